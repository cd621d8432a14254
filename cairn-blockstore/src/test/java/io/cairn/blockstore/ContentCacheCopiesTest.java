package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cid.Cid;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import io.cairn.memory.offheap.SegmentChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the content cache's bytes come from, counted: a flatfs miss is read straight into the
 * cache's allocation (before: into flatfs's own native buffer, then copied into the cache, one copy
 * of the block counted by {@code copiedBytes}), and a native upload block in several segments enters
 * the cache segment by segment (before: through a heap copy of the whole block, {@code Block.data()}).
 */
class ContentCacheCopiesTest {
    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static CachingBlockstore flatFsStore(Path dir, boolean cacheOnPut) {
        FlatFsOptions fs = FlatFsOptions.builder().sync(false).mapViewsFrom(128 * 1024).build();
        return CachingBlockstore.wrap(Blockstores.layered(FlatFsBlockstore.open(dir, fs), false),
                CachingBlockstore.Options.defaults().withContentCacheBytes(16L << 20).withCacheOnPut(cacheOnPut));
    }

    @Test
    void aFlatFsMissIsReadStraightIntoTheCacheWithNoCopy(@TempDir Path dir) {
        try (CachingBlockstore store = flatFsStore(dir, false)) {
            // below mapViewsFrom (read into native memory) and above it (mapped, before)
            for (int size : new int[] {4096, 262_158}) {
                byte[] data = bytes(size, size);
                Block block = Block.raw(data);
                store.put(block);
                Cid cid = block.cid();
                assertThat(store.contentCached(cid)).isFalse();
                byte[] seen = store.view(cid, buf -> {
                    byte[] copy = new byte[buf.remaining()];
                    buf.duplicate().get(copy);
                    return copy;
                });
                assertThat(seen).isEqualTo(data);
                assertThat(store.contentCached(cid)).as("cached by the miss").isTrue();
                try (BlockBytes again = store.open(cid)) {
                    assertThat(again.copy()).isEqualTo(data);
                }
            }
            OffHeapBlockCache cache = store.contentCacheForMetrics();
            assertThat(cache.puts()).isEqualTo(2);
            assertThat(cache.copiedBytes()).as("bytes copied into the cache from another buffer").isZero();
            assertThat(store.contentPins()).isZero();
        }
    }

    @Test
    void aMissThroughOpenIsReadStraightIntoTheCacheToo(@TempDir Path dir) {
        try (CachingBlockstore store = flatFsStore(dir, false)) {
            byte[] data = bytes(70_000, 3);
            Block block = Block.raw(data);
            store.put(block);
            try (BlockBytes lent = store.open(block.cid())) {
                assertThat(lent.isDirect()).isTrue();
                assertThat(lent.copy()).isEqualTo(data);
            }
            assertThat(store.contentCacheForMetrics().copiedBytes()).isZero();
            assertThat(store.contentPins()).isZero();
        }
    }

    @Test
    void aCorruptFileReadIntoTheCacheIsNeitherCachedNorServed(@TempDir Path dir) throws Exception {
        try (CachingBlockstore store = flatFsStore(dir, false)) {
            byte[] data = bytes(10_000, 5);
            Block block = Block.raw(data);
            store.put(block);
            Path file;
            try (var files = java.nio.file.Files.walk(dir)) {
                file = files.filter(p -> p.getFileName().toString().endsWith(".data")).findFirst().orElseThrow();
            }
            byte[] bad = data.clone();
            bad[100] ^= 1;
            java.nio.file.Files.write(file, bad);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.view(block.cid(), ByteBuffer::remaining))
                    .isInstanceOf(BlockNotFoundException.class);
            OffHeapBlockCache cache = store.contentCacheForMetrics();
            assertThat(cache.entries()).isZero();
            assertThat(cache.allocator().allocationCount()).as("the reservation was given back").isZero();
        }
    }

    @Test
    void aMultiSegmentNativeBlockEntersTheCacheSegmentBySegment(@TempDir Path dir) {
        int segments = 16;
        int each = 64 * 1024;
        byte[] data = bytes(segments * each, 9);
        Cid cid = Block.raw(data).cid();
        try (CachingBlockstore store = flatFsStore(dir, true); Arena arena = Arena.ofShared()) {
            List<MemorySegment> parts = new ArrayList<>();
            for (int i = 0; i < segments; i++) {
                MemorySegment s = arena.allocate(each);
                MemorySegment.copy(MemorySegment.ofArray(data), (long) i * each, s, 0, each);
                parts.add(s);
            }
            // warm up the paths once with another block, so that class loading is not counted
            store.put(Block.raw(bytes(1000, 1)));
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocated;
            try (Block block = Block.verifiedOver(cid, SegmentChain.of(parts, () -> { }))) {
                long before = threads.getCurrentThreadAllocatedBytes();
                store.put(block);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertThat(store.contentCached(cid)).isTrue();
            assertThat(allocated).as("heap bytes allocated by a cacheOnPut of a 1 MiB block in 16 segments")
                    .isLessThan(data.length / 4);
            try (BlockBytes lent = store.open(cid)) {
                assertThat(lent.copy()).isEqualTo(data);
            }
        }
    }
}
