package io.cairn.blockstore;

import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;

import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * The off-heap content cache itself under a trace replay (it is package-private, hence this
 * package): each key becomes a 32-byte sha2-256 multihash holding the key, each entry is exactly one
 * allocator page, and the cache is bounded at {@code capacity} pages, so its capacity is in entries
 * like the other policies'. The page is 64 KiB, so that an entry is a run of one page: blocks of up to
 * 32 KiB go to size-class slabs of 32 slots, which would cache only a multiple of 32 entries. A
 * missed key is reserved and published without its payload being written, so only the key's page
 * of each entry is touched (4 KiB of RSS an entry). Regions are sized to divide the bound (whole
 * regions are the unit of the bound), so exactly {@code capacity} entries fit, as
 * {@link #cachedAtMost} reports. (With the production region size, an eighth of the bound rounded
 * down to a power of two, up to a region's worth of pages is left unusable.)
 */
public final class OffHeapReplay implements LongPredicate, AutoCloseable {
    private static final int ENTRY = 64 << 10;
    private static final int KEY = 34;

    private final OffHeapBlockCache cache;
    private final byte[] digest = new byte[32];
    private int mostEntries;

    /** @param setting the {@code contentPolicy} to run (refused as the real cache refuses it) */
    public OffHeapReplay(EvictionPolicy setting, int capacity) {
        this.cache = new OffHeapBlockCache((long) capacity * ENTRY, OffHeapPolicy.of(setting), null, null,
                System::nanoTime, false, regionBytes(capacity), ENTRY);
    }

    /**
     * The largest region of at most 16 MiB that divides {@code capacity} entries; one region of all
     * of them if no divisor fits.
     */
    static long regionBytes(int capacity) {
        long most = (16L << 20) / ENTRY;
        for (long pages = Math.min(capacity, most); pages >= 1; pages--) {
            if (capacity % pages == 0) {
                return pages * ENTRY;
            }
        }
        return (long) capacity * ENTRY;
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
        try (OffHeapBlockCache.Reservation r = cache.reserve(mh, ENTRY - KEY)) {
            if (r != null) {
                r.publish();
            }
        }
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
