package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;

import java.util.Collection;

/**
 * Makes every write hold the store's shared pin lock, so that it never interleaves with a
 * {@link GarbageCollector}'s mark and sweep: a put that starts while a collection runs waits for it
 * and then writes, a collection waits for puts in flight. Without this a put of a block the sweep is
 * about to delete could be acknowledged (the block was there: an idempotent no-op) and then lose its
 * block. Reads and deletes are not locked.
 */
public final class PinLockingBlockstore extends ForwardingBlockstore {
    public PinLockingBlockstore(Blockstore delegate) {
        super(delegate);
    }

    @Override
    public void put(Block block) {
        try (Unlock held = pinLock()) {
            super.put(block);
        }
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        try (Unlock held = pinLock()) {
            super.putMany(blocks);
        }
    }
}
