package io.cairn.pin;

import java.util.Optional;

/** {@link CollectionLease#local()}: a store no other process shares; the {@link SweepGuard} serialises collections. */
enum LocalLease implements CollectionLease, CollectionLease.Held {
    INSTANCE;

    @Override
    public Optional<Held> tryAcquire() {
        return Optional.of(this);
    }

    @Override
    public Optional<String> holder() {
        return Optional.empty();
    }

    @Override
    public boolean valid() {
        return true;
    }

    @Override
    public void close() {
    }
}
