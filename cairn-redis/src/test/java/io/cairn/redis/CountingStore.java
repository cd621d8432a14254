package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.cid.Cid;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the reads that reach the store of record, optionally slowing each one down. */
final class CountingStore extends ForwardingBlockstore {
    final AtomicInteger gets = new AtomicInteger();
    volatile long delayMillis;

    CountingStore(Blockstore delegate) {
        super(delegate);
    }

    @Override
    public Block get(Cid cid) {
        gets.incrementAndGet();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return super.get(cid);
    }
}
