package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.cid.Cid;
import io.cairn.redis.InvalidationBus;

/**
 * Announces every delete on the invalidation bus once the store below has done it, so the other
 * nodes sharing the store drop their cached copies and answers (see {@link SharedInvalidation}).
 */
final class PublishingDeletes extends ForwardingBlockstore {
    private final InvalidationBus bus;

    PublishingDeletes(Blockstore delegate, InvalidationBus bus) {
        super(delegate);
        this.bus = bus;
    }

    @Override
    public boolean delete(Cid cid) {
        boolean removed;
        try {
            removed = super.delete(cid);
        } finally {
            // Also after a failure: the block may be gone from the store anyway, and a needless
            // invalidation only costs the others one re-read.
            bus.publish(cid);
        }
        return removed;
    }
}
