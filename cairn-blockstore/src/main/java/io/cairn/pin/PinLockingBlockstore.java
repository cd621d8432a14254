package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;

import java.util.Collection;

/**
 * Makes every write hold the store's shared pin lock, so that it never interleaves with a
 * {@link GarbageCollector}'s mark or one of its sweep batches, and records each written block in the
 * store's {@link SweepGuard} so that the rest of a running sweep spares it. Without this a put of a
 * block the sweep is about to delete could be acknowledged (the block was there: an idempotent no-op)
 * and then lose its block. Reads and deletes are not locked. When other nodes share the store, each
 * write is also recorded for a collection running on any of them, after the pin lock is released
 * (see {@link SweepGuard}).
 */
public final class PinLockingBlockstore extends ForwardingBlockstore {
    private final SweepGuard guard;

    /** @param guard the store's guard, shared with its {@link GarbageCollector} and {@link Pinner} */
    public PinLockingBlockstore(Blockstore delegate, SweepGuard guard) {
        super(delegate);
        this.guard = java.util.Objects.requireNonNull(guard, "guard");
    }

    @Override
    public void put(Block block) {
        try (Unlock held = pinLock()) {
            super.put(block);
            guard.written(block.cid());
        }
        guard.acknowledgeWrites(java.util.List.of(block)); // a collection on another node sharing the store
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        try (Unlock held = pinLock()) {
            super.putMany(blocks);
            blocks.forEach(b -> guard.written(b.cid()));
        }
        guard.acknowledgeWrites(blocks);
    }
}
