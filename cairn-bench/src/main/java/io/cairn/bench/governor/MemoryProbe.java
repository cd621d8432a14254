package io.cairn.bench.governor;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.cairn.blockstore.Block;
import io.cairn.blockstore.BloomFilter;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Heap cost per entry of Cairn's in-memory structures, measured as the growth of the heap after
 * full collections while N entries are held, divided by N. Runs in a child JVM with the Serial
 * collector (see {@link MemoryCommand}) so that "used after GC" is exact to the byte.
 * Keys and values are created and held before the baseline is taken wherever the structure under
 * test does not own them, so the figures are the structure's own overhead; every structure is
 * built after its baseline and bounded at the N entries it is filled with, so that tables and
 * sketches sized from the bound are counted as they would be in use.
 */
public final class MemoryProbe {
    private static volatile Object keep;

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        Cid[] cids = new Cid[n];
        Multihash[] keys = new Multihash[n];
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            cids[i] = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, ByteBuffer.allocate(8).putLong(i).array());
            keys[i] = cids[i].multihash();
        }
        report("CID (CIDv1 raw sha2-256, with its multihash) as held by callers", usedAfterGc() - before, n);

        byte[] value = new byte[64];
        for (EvictionPolicy p : EvictionPolicy.values()) {
            measureCache("cairn cache entry, " + p.shortName() + " (key and value excluded)", n, keys, value,
                    () -> CacheBuilder.<Multihash, byte[]>newBuilder().maximumWeight(n)
                            .evictionPolicy(p).build());
        }
        caffeine(n, keys, value);
        hasCache(n, cids);
        contentCache(n);
        bloom(n, keys);
        keep = cids;
        keep = keys;
    }

    // Each measurement is its own method: a local that went out of scope in a long method can stay
    // reachable in the interpreter's frame and be freed in the middle of a later measurement.

    private static void caffeine(int n, Multihash[] keys, byte[] value) {
        long b = usedAfterGc();
        com.github.benmanes.caffeine.cache.Cache<Multihash, byte[]> c = Caffeine.newBuilder().maximumSize(n).build();
        for (Multihash k : keys) {
            c.put(k, value);
        }
        c.cleanUp();
        report("caffeine entry (key and value excluded); " + c.estimatedSize() + " held", usedAfterGc() - b,
                c.estimatedSize());
        keep = c;
        keep = null;
    }

    /** The has/size cache of the caching layer: has() of an absent key records "absent". */
    private static void hasCache(int n, Cid[] cids) {
        try (MemoryBlockstore base = new MemoryBlockstore()) {
            long b = usedAfterGc();
            CachingBlockstore caching = CachingBlockstore.wrap(base, CachingBlockstore.Options.defaults()
                    .withContentCacheBytes(0).withMetadataCacheEntries(n));
            for (Cid c : cids) {
                caching.has(c);
            }
            long entries = caching.metadataCacheEntries();
            report("has/size cache entry (CachingBlockstore; " + entries + " held)", usedAfterGc() - b, entries);
            caching.close();
        }
    }

    /** The content cache of the caching layer, holding blocks whose bytes the store holds too. */
    private static void contentCache(int n) {
        int payload = 4096;
        try (MemoryBlockstore base = new MemoryBlockstore()) {
            int m = Math.min(n, 50_000);
            Block[] blocks = new Block[m];
            for (int i = 0; i < m; i++) {
                byte[] d = new byte[payload];
                ByteBuffer.wrap(d).putLong(i);
                blocks[i] = Block.raw(d);
                base.put(blocks[i]);
            }
            warmUpOffHeap(base, blocks);
            long b = usedAfterGc();
            CachingBlockstore caching = CachingBlockstore.wrap(base, CachingBlockstore.Options.defaults()
                    .withContentCacheBytes((long) m * (payload + 1024)).withMetadataCacheEntries(0));
            for (Block blk : blocks) {
                caching.get(blk.cid());
            }
            caching.cleanUp();
            long entries = caching.contentCacheStats().entries();
            report("content cache entry, heap only (CachingBlockstore, off-heap 4 KiB payloads; " + entries
                    + " held)", usedAfterGc() - b, entries);
            System.out.printf(Locale.ROOT, "RESULT name=content_cache_entry,_metadata_as_the_cache_counts_it_(heap_and_native) bytes_per_entry=%.1f%n",
                    caching.contentCacheStats().metadataBytesPerEntry());
            keep = blocks;
            caching.close();
            keep = null;
        }
    }

    /** One-time costs of the off-heap cache (FFM linker handles, classes) before the baseline, not per entry. */
    private static void warmUpOffHeap(MemoryBlockstore base, Block[] blocks) {
        // Closing the caching layer closes what it wraps: wrap the store in a layer that stays open.
        io.cairn.blockstore.Blockstore keepOpen = new io.cairn.blockstore.ForwardingBlockstore(base) {
            @Override
            public void close() {
            }
        };
        try (CachingBlockstore warm = CachingBlockstore.wrap(keepOpen, CachingBlockstore.Options.defaults()
                .withContentCacheBytes(16L << 20).withMetadataCacheEntries(0))) {
            for (int i = 0; i < Math.min(blocks.length, 100); i++) {
                warm.get(blocks[i].cid());
            }
        }
    }

    private static void bloom(int n, Multihash[] keys) {
        long b = usedAfterGc();
        BloomFilter bloom = new BloomFilter(n, 0.01);
        for (Multihash k : keys) {
            bloom.add(k);
        }
        report("Bloom filter key at 1 % false positives (sized for N)", usedAfterGc() - b, n);
        System.out.printf(Locale.ROOT, "RESULT name=Bloom_filter_key,_as_the_filter_declares_its_size bytes_per_entry=%.2f%n",
                (double) bloom.sizeInBytes() / n);
        keep = bloom;
        keep = null;
    }

    private static void measureCache(String name, int n, Multihash[] keys, byte[] value,
                                     java.util.function.Supplier<Cache<Multihash, byte[]>> factory) {
        long b = usedAfterGc();
        Cache<Multihash, byte[]> c = factory.get();
        for (Multihash k : keys) {
            c.put(k, value);
        }
        c.cleanUp();
        long entries = c.estimatedSize();
        report(name + "; " + entries + " held", usedAfterGc() - b, entries);
        keep = c;
        c.close();
        keep = null;
    }

    private static void report(String what, long bytes, long n) {
        System.out.printf(Locale.ROOT, "RESULT name=%s bytes_per_entry=%.1f%n", what.replace(' ', '_'), (double) bytes / n);
    }

    /**
     * Heap in use after full collections, once two in a row agree to the kilobyte. Reference
     * processing (cleaners, weak entries of a closed cache's helpers) can free more on a later
     * cycle, so one collection is not enough for a stable baseline.
     */
    static long usedAfterGc() {
        var mx = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        int stable = 0;
        for (int i = 0; i < 20 && stable < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = mx.getHeapMemoryUsage().getUsed();
            stable = Math.abs(used - last) < 1024 ? stable + 1 : 0;
            last = used;
        }
        return last;
    }
}
