package io.cairn.bench.governor;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.ContentCacheStats;
import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The off-heap content cache in a small heap (run by {@link MemoryCommand} in a child JVM with
 * {@code -Xmx128m} and the Serial collector, so used-after-GC is exact): the heap live set with
 * the cache empty and with it full of 262,158-byte UnixFS leaves up to its bound (1 GiB by
 * default), the metadata per entry, and how far and how fast RSS falls when the governor trims.
 * The blocks come from a store that makes their bytes on demand from an index, so the heap holds
 * only their CIDs.
 */
public final class OffHeapCacheProbe {
    private static int blockSize = 262_158;

    public static void main(String[] args) throws Exception {
        long cacheBytes = Long.parseLong(args[0]);
        blockSize = Integer.parseInt(args[1]);
        boolean trims = args.length < 3 || !args[2].equals("notrim");
        int blocks = (int) (cacheBytes / blockSize + cacheBytes / blockSize / 8);
        GeneratedStore store = new GeneratedStore(blocks);
        warmUp(store);
        ManualMemoryGovernor governor = new ManualMemoryGovernor(4 * cacheBytes);
        CachingBlockstore caching = CachingBlockstore.wrap(store, CachingBlockstore.Options.defaults()
                .withContentCacheBytes(cacheBytes).withMetadataCacheEntries(0), governor, GovernanceConfig.defaults());
        long empty = MemoryProbe.usedAfterGc();
        long rssEmpty = rss();
        for (Cid cid : store.cids) {
            caching.get(cid);
        }
        ContentCacheStats full = caching.contentCacheStats();
        long filled = MemoryProbe.usedAfterGc();
        long rssFull = rss();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        result("heap_max", heap.getMax());
        result("heap_committed", heap.getCommitted());
        result("cache_entries", full.entries());
        result("cache_mapped_bytes", full.mappedBytes());
        result("cache_allocated_bytes", full.allocatedBytes());
        result("cache_live_bytes", full.liveBytes());
        result("heap_live_empty_cache", empty);
        result("heap_live_full_cache", filled);
        result("heap_live_difference", filled - empty);
        result("metadata_bytes_per_entry_counted", Math.round(full.metadataBytesPerEntry() * 10) / 10.0);
        result("heap_bytes_per_entry_measured", Math.round((filled - empty) * 10.0 / full.entries()) / 10.0);
        result("rss_empty_cache", rssEmpty);
        result("rss_full_cache", rssFull);
        result("rss_minus_heap_committed_minus_mapped", rssFull - heap.getCommitted() - full.mappedBytes());

        for (PressureLevel level : trims ? TRIMS : new PressureLevel[0]) {
            trim(caching, governor, level);
        }
        caching.close();
    }

    private static final PressureLevel[] TRIMS = {PressureLevel.MEDIUM, PressureLevel.HIGH, PressureLevel.CRITICAL};

    private static void trim(CachingBlockstore caching, ManualMemoryGovernor governor, PressureLevel level) throws Exception {
        {
            long mappedBefore = caching.cachedBytes();
            long rssBefore = rss();
            long t0 = System.nanoTime();
            governor.setLevel(level);
            long freed = mappedBefore - caching.cachedBytes();
            long fall = 0;
            long elapsedMs = 0;
            while (elapsedMs < 2000) {
                fall = rssBefore - rss();
                elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                if (fall >= 0.9 * freed) {
                    break;
                }
                Thread.sleep(5);
            }
            String l = level.name().toLowerCase(Locale.ROOT);
            result("trim_" + l + "_freed_bytes", freed);
            result("trim_" + l + "_rss_fall_bytes", fall);
            result("trim_" + l + "_rss_fall_ratio", Math.round(fall * 1000.0 / Math.max(1, freed)) / 1000.0);
            result("trim_" + l + "_ms_to_0.9", elapsedMs);
        }
    }

    /**
     * One-time costs (the FFM linker's method handles and classes, the cache's own classes) go into
     * the baseline rather than onto the entries. Its own method, so that nothing of it stays
     * reachable from this frame (see MemoryProbe).
     */
    private static void warmUp(GeneratedStore store) {
        try (CachingBlockstore warm = CachingBlockstore.wrap(store, CachingBlockstore.Options.defaults()
                .withContentCacheBytes(64L << 20).withMetadataCacheEntries(0))) {
            for (int i = 0; i < Math.min(300, store.cids.length); i++) {
                warm.get(store.cids[i]);
            }
            warm.view(store.cids[0], b -> b.remaining());
        }
    }

    private static void result(String name, Object value) {
        System.out.println("RESULT name=" + name + " value=" + value);
    }

    static long rss() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Blocks made on demand from their index: only the CIDs live on the heap. */
    static final class GeneratedStore implements Blockstore {
        final Cid[] cids;
        private final Map<Cid, Integer> index = new HashMap<>();

        GeneratedStore(int n) {
            cids = new Cid[n];
            for (int i = 0; i < n; i++) {
                cids[i] = Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, bytes(i));
                index.put(cids[i], i);
            }
        }

        static byte[] bytes(int i) {
            byte[] b = new byte[blockSize];
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.remaining() >= 4) {
                buf.putInt(i * 31 + buf.position());
            }
            return b;
        }

        private int indexOf(Cid cid) {
            Integer i = index.get(cid);
            if (i == null) {
                throw new BlockNotFoundException(cid);
            }
            return i;
        }

        @Override public boolean has(Cid cid) { return index.containsKey(cid); }
        @Override public Block get(Cid cid) { return Block.of(cid, bytes(indexOf(cid))); }
        @Override public int getSize(Cid cid) { indexOf(cid); return blockSize; }
        @Override public void put(Block block) { throw new UnsupportedOperationException("read-only"); }
        @Override public void putMany(Collection<Block> blocks) { throw new UnsupportedOperationException("read-only"); }
        @Override public boolean delete(Cid cid) { throw new UnsupportedOperationException("read-only"); }
        @Override public Stream<Cid> allKeys() { return Stream.of(cids); }
        @Override public void close() { }
    }
}
