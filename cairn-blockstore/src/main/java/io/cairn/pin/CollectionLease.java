package io.cairn.pin;

import java.util.Optional;

/**
 * Keeps garbage collection of one shared store to one collection at a time across every process
 * that shares it. Within a process the {@link SweepGuard} already does this; nodes sharing a bucket
 * need a lease they can all see (cairn-redis's {@code RedisCollectionLease}: a Redis key with an
 * expiry, renewed while the collection runs), so that a holder killed mid-collection releases it by
 * itself once the expiry passes.
 */
public interface CollectionLease {
    /** The lease while this process holds it. */
    interface Held extends AutoCloseable {
        /**
         * Whether the lease is still this holder's. False once a renewal failed for longer than the
         * expiry (another process may hold it now): the collection must stop deleting.
         */
        boolean valid();

        /** Releases the lease, only if it is still this holder's. Never throws. */
        @Override
        void close();
    }

    /**
     * Takes the lease, or returns empty at once when another holder has it.
     *
     * @throws LeaseUnavailableException when it cannot tell (the lease's store does not answer)
     */
    Optional<Held> tryAcquire();

    /** Who holds the lease now, if anyone (for messages); empty when free or unknown. */
    Optional<String> holder();

    /** The lease of a store that no other process shares: always granted. */
    static CollectionLease local() {
        return LocalLease.INSTANCE;
    }
}
