package io.cairn.blockstore;

/**
 * A snapshot of the off-heap content cache of a {@link CachingBlockstore}: what callers may know of
 * it, instead of the cache itself.
 *
 * @param entries               blocks cached
 * @param liveBytes             their keys and payloads
 * @param mappedBytes           native memory mapped for them (regions), what the governor counts
 * @param allocatedBytes        native memory handed out, each block rounded to its slot or pages
 *                              (blocks evicted while a reader still holds them included)
 * @param maximumBytes          the configured bound (cache-size)
 * @param effectiveMaximumBytes the bound in force now, pressure trims and restore steps included
 * @param hits                  lookups that found their block
 * @param misses                lookups that did not
 * @param sizeEvictions         blocks evicted to make room
 * @param pressureEvictions     blocks evicted by governor trims
 * @param evictedBytes          bytes of the blocks evicted by either
 * @param rejectedPuts          blocks not cached: not admitted under pressure, too large, or pinned room
 * @param metadataBytes         bookkeeping beyond payloads and keys, heap and native
 */
public record ContentCacheStats(long entries, long liveBytes, long mappedBytes, long allocatedBytes,
                                long maximumBytes, long effectiveMaximumBytes, long hits, long misses,
                                long sizeEvictions, long pressureEvictions, long evictedBytes,
                                long rejectedPuts, long metadataBytes) {

    /** Metadata bytes per cached block (0 when empty). */
    public double metadataBytesPerEntry() {
        return entries == 0 ? 0 : (double) metadataBytes / entries;
    }

    static ContentCacheStats of(OffHeapBlockCache c) {
        return new ContentCacheStats(c.entries(), c.liveBytes(), c.mappedBytes(), c.allocator().allocatedBytes(),
                c.maximum(), c.effectiveMaximum(), c.hits(), c.misses(),
                c.removals(OffHeapBlockCache.Cause.SIZE), c.removals(OffHeapBlockCache.Cause.PRESSURE),
                c.evictedBytes(), c.rejected(), c.metadataBytes());
    }

    static ContentCacheStats disabled() {
        return new ContentCacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
