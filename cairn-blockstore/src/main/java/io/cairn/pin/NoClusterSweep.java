package io.cairn.pin;

import io.cairn.cid.Cid;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link ClusterSweep#none()}: a store only this process uses. */
enum NoClusterSweep implements ClusterSweep, ClusterSweep.Collecting {
    INSTANCE;

    @Override
    public Optional<Ticket> record(List<Cid> written, List<Cid> pinned) {
        return Optional.empty();
    }

    @Override
    public boolean awaitBatchDone(Ticket ticket, Duration max) {
        return true;
    }

    @Override
    public Collecting begin(CollectionLease.Held lease) {
        return this;
    }

    @Override
    public Recorded poll() {
        return Recorded.NOTHING;
    }

    @Override
    public boolean confirmed() {
        return true;
    }

    @Override
    public void batchDone() {
    }

    @Override
    public void close() {
    }
}
