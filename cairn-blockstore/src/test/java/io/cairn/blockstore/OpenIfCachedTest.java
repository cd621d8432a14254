package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;

/**
 * {@link CachingBlockstore#openIfCached} never reads the store below (the gateway calls it on its I/O
 * threads): a block the cache does not hold is {@code null} with no read and no miss counted; a cached
 * one is lent, pinned until closed, and counted as a hit.
 */
class OpenIfCachedTest {
    /** Counts every read of the store below. */
    static final class CountingStore extends ForwardingBlockstore {
        final AtomicInteger reads = new AtomicInteger();

        CountingStore(Blockstore delegate) {
            super(delegate);
        }

        @Override
        public Block get(Cid cid) {
            reads.incrementAndGet();
            return super.get(cid);
        }

        @Override
        public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
            reads.incrementAndGet();
            return super.view(cid, reader);
        }
    }

    @Test
    void anUncachedBlockIsNullWithoutAReadAndACachedOneIsLentAndCounted() {
        byte[] data = new byte[5000];
        new java.util.Random(3).nextBytes(data);
        Block block = Block.raw(data);
        CountingStore below = new CountingStore(new MemoryBlockstore());
        below.put(block);
        try (CachingBlockstore store = CachingBlockstore.wrap(below, CachingBlockstore.Options.defaults()
                .withContentCacheBytes(4 << 20).withMetadataCacheEntries(100))) {
            assertThat(store.openIfCached(block.cid())).isNull();
            assertThat(below.reads.get()).as("the store below was not read").isZero();
            assertThat(store.contentCacheStats().misses()).as("no miss counted for the probe").isZero();

            store.get(block.cid()); // a counted miss that caches it
            long hitsBefore = store.contentCacheStats().hits();
            int readsBefore = below.reads.get();
            try (BlockBytes bytes = store.openIfCached(block.cid())) {
                assertThat(bytes).isNotNull();
                assertThat(store.contentPins()).as("pinned while open").isPositive();
                byte[] got = new byte[bytes.buffer().remaining()];
                bytes.buffer().duplicate().get(got);
                assertThat(got).isEqualTo(data);
            }
            assertThat(store.contentPins()).isZero();
            assertThat(below.reads.get()).isEqualTo(readsBefore);
            assertThat(store.contentCacheStats().hits()).isEqualTo(hitsBefore + 1);
        }
    }
}
