package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;


/**
 * {@link CachingBlockstore#openIfCached} never reads the store below (the gateway calls it on its I/O
 * threads): a block the cache does not hold is {@code null} with no read and no miss counted; a cached
 * one is lent, pinned until closed, and counted as a hit.
 */
class OpenIfCachedTest {
    private static int reads(CachingBlockstoreTest.CountingBlockstore below) {
        return below.get.get() + below.view.get();
    }

    @Test
    void anUncachedBlockIsNullWithoutAReadAndACachedOneIsLentAndCounted() {
        byte[] data = new byte[5000];
        new java.util.Random(3).nextBytes(data);
        Block block = Block.raw(data);
        CachingBlockstoreTest.CountingBlockstore below = new CachingBlockstoreTest.CountingBlockstore(new MemoryBlockstore());
        below.put(block);
        try (CachingBlockstore store = CachingBlockstore.wrap(below, CachingBlockstore.Options.defaults()
                .withContentCacheBytes(4 << 20).withMetadataCacheEntries(100))) {
            assertThat(store.openIfCached(block.cid())).isNull();
            assertThat(reads(below)).as("the store below was not read").isZero();
            assertThat(store.contentCacheStats().misses()).as("no miss counted for the probe").isZero();

            store.get(block.cid()); // a counted miss that caches it
            long hitsBefore = store.contentCacheStats().hits();
            int readsBefore = reads(below);
            try (BlockBytes bytes = store.openIfCached(block.cid())) {
                assertThat(bytes).isNotNull();
                assertThat(store.contentPins()).as("pinned while open").isPositive();
                byte[] got = new byte[bytes.buffer().remaining()];
                bytes.buffer().duplicate().get(got);
                assertThat(got).isEqualTo(data);
            }
            assertThat(store.contentPins()).isZero();
            assertThat(reads(below)).isEqualTo(readsBefore);
            assertThat(store.contentCacheStats().hits()).isEqualTo(hitsBefore + 1);
        }
    }
}
