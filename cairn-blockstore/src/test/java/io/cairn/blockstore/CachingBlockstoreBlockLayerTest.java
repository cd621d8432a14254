package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.cache.GovernanceConfig;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;

import io.cairn.cache.RemovalCause;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12, item 5, and the off-heap wiring of the content cache. */
class CachingBlockstoreBlockLayerTest {
    private static final CachingBlockstore.Options OPTIONS = CachingBlockstore.Options.defaults()
            .withContentCacheBytes(8 << 20).withMetadataCacheEntries(1_000);

    private static Block block(int i, int size) {
        byte[] d = new byte[size];
        ByteBuffer.wrap(d).putInt(i);
        return Block.raw(d);
    }

    @Test
    void contentHitsLeaveTheHasSizeCacheAlone() {
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), OPTIONS)) {
            Block b = block(1, 4096);
            store.put(b);
            for (int i = 0; i < 1_000; i++) {
                assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            store.cleanUp();
            var stats = store.metadataCacheForMetrics().stats();
            long removals = stats.removalsByCause().values().stream().mapToLong(Long::longValue).sum();
            assertThat(stats.removalsByCause().get(RemovalCause.REPLACED)).isZero();
            assertThat(removals).as("removals from the has/size cache").isZero();
            assertThat(store.contentCacheStats().hits()).isEqualTo(999);
        }
    }

    @Test
    void putManyHonoursCacheOnPut() {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            blocks.add(block(i, 1000 + i));
        }
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT),
                OPTIONS.withCacheOnPut(true))) {
            store.putMany(blocks);
            for (Block b : blocks) {
                assertThat(store.contentCached(b.cid())).as("cached on putMany").isTrue();
            }
        }
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), OPTIONS)) {
            store.putMany(blocks);
            assertThat(store.contentCacheStats().entries()).as("cacheOnPut off: nothing").isZero();
        }
    }

    @Test
    void aViewOfACachedBlockLendsNativeMemoryReadOnly() {
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), OPTIONS)) {
            Block b = block(7, 262_158);
            store.put(b);
            boolean viaStore = store.view(b.cid(), buf -> buf.isDirect());
            assertThat(viaStore).as("a miss is served from the store's own buffer").isFalse();
            assertThat(store.contentCached(b.cid())).as("and copied into the cache on the way").isTrue();
            byte[] seen = store.view(b.cid(), buf -> {
                assertThat(buf.isDirect()).isTrue();
                assertThat(buf.isReadOnly()).isTrue();
                byte[] out = new byte[buf.remaining()];
                buf.get(buf.position(), out);
                return out;
            });
            assertThat(seen).isEqualTo(b.bytes());
            assertThat(store.cachedBytes()).isPositive();
            assertThat(store.contentCacheStats().mappedBytes()).isEqualTo(store.cachedBytes());
        }
    }

    @Test
    void openLendsCachedBytesPinnedUntilClosedEvenThroughCritical() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), OPTIONS,
                governor, GovernanceConfig.defaults())) {
            Block b = block(9, 100_000);
            store.put(b);
            try (BlockBytes miss = store.open(b.cid())) {
                // read once, into the cache, and lent from there: no heap copy on a miss either
                assertThat(miss.isDirect()).as("a miss lends the bytes it just cached").isTrue();
                assertThat(store.contentCacheStats().misses()).isEqualTo(1);
                assertThat(store.contentCacheStats().hits()).isZero();
                assertThat(miss.copy()).isEqualTo(b.bytes());
            }
            BlockBytes hit = store.open(b.cid());
            assertThat(hit.isDirect()).isTrue();
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(store.contentCacheStats().entries()).isZero();
            assertThat(store.cachedBytes()).as("pinned bytes keep their region").isPositive();
            assertThat(hit.copy()).isEqualTo(b.bytes());
            hit.close();
            assertThat(store.cachedBytes()).isZero();
            assertThatThrownBy(hit::buffer).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aHeapBlockOpensAndCopies() {
        Block b = block(4, 64);
        try (BlockBytes bytes = b.open()) {
            assertThat(bytes.buffer().isReadOnly()).isTrue();
            assertThat(bytes.size()).isEqualTo(64);
            assertThat(bytes.copy()).isEqualTo(b.bytes());
        }
        byte[] copy = b.copyBytes();
        copy[0] ^= 1;
        assertThat(b.bytes()[0]).isNotEqualTo(copy[0]);
    }

    @Test
    void aContentCacheLargerThanTheHeapIsAccepted() {
        long heap = Runtime.getRuntime().maxMemory();
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT),
                OPTIONS.withContentCacheBytes(heap * 4))) {
            Block b = block(3, 5000);
            store.put(b);
            store.get(b.cid());
            assertThat(store.contentCacheStats().maximumBytes()).isEqualTo(heap * 4);
            assertThat(store.contentCached(b.cid())).isTrue();
        }
    }
}
