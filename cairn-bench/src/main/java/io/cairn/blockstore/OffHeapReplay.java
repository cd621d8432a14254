package io.cairn.blockstore;

import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;

import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * The off-heap content cache itself under a trace replay (it is package-private, hence this
 * package): each key becomes a 32-byte sha2-256 multihash holding the key, each entry takes exactly
 * one 4 KiB page (key plus payload), and the cache is bounded at {@code capacity} pages, so its
 * capacity is in entries like the other policies'. Page rounding is exact at this size; whole regions
 * are the unit of the bound, so the entries that fit are {@code capacity} less at most a region's
 * worth of slack, which {@link #cachedAtMost} reports.
 */
public final class OffHeapReplay implements LongPredicate, AutoCloseable {
    private static final int ENTRY = 4096;
    private static final int KEY = 34;

    private final OffHeapBlockCache cache;
    private final ByteBuffer payload = ByteBuffer.allocateDirect(ENTRY - KEY);
    private final byte[] digest = new byte[32];
    private int mostEntries;

    /** @param setting the {@code contentPolicy} to run (refused as the real cache refuses it) */
    public OffHeapReplay(EvictionPolicy setting, int capacity) {
        this.cache = new OffHeapBlockCache((long) capacity * ENTRY, OffHeapPolicy.of(setting), null, null,
                System::nanoTime, false);
    }

    /** Looks the key up, caches it on a miss, and says whether it was a hit. */
    @Override
    public boolean test(long key) {
        ByteBuffer.wrap(digest).putLong(0, key).putLong(8, key * 0x9E3779B97F4A7C15L);
        Multihash mh = Multihash.of(HashFunction.SHA2_256.code(), digest);
        try (OffHeapBlockCache.Lease lease = cache.acquire(mh)) {
            if (lease != null) {
                return true;
            }
        }
        cache.put(mh, payload.duplicate());
        mostEntries = Math.max(mostEntries, cache.entries());
        return false;
    }

    /** The most entries the cache held at once during the replay. */
    public int cachedAtMost() {
        return mostEntries;
    }

    @Override
    public void close() {
        cache.close();
    }
}
