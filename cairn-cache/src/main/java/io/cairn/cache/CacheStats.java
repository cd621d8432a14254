package io.cairn.cache;

import java.util.EnumMap;
import java.util.Map;

/**
 * An immutable snapshot of a cache's statistics.
 *
 * @param hitCount           lookups that found a live entry
 * @param missCount          lookups that did not (every lookup is exactly one of the two)
 * @param loadSuccessCount   loads (and refreshes) that returned a value
 * @param loadFailureCount   loads that threw or returned null
 * @param totalLoadTimeNanos time spent in loads, successful or not
 * @param evictionCount      entries removed by the cache itself (SIZE, EXPIRED, PRESSURE)
 * @param evictionWeight     total weight of those entries
 * @param removalsByCause    every removal by cause, including EXPLICIT and REPLACED
 */
public record CacheStats(long hitCount, long missCount, long loadSuccessCount, long loadFailureCount,
                         long totalLoadTimeNanos, long evictionCount, long evictionWeight,
                         Map<RemovalCause, Long> removalsByCause) {

    public CacheStats {
        EnumMap<RemovalCause, Long> copy = new EnumMap<>(RemovalCause.class);
        for (RemovalCause c : RemovalCause.values()) {
            copy.put(c, removalsByCause.getOrDefault(c, 0L));
        }
        removalsByCause = Map.copyOf(copy);
    }

    /** All zeros. */
    public static CacheStats empty() {
        return new CacheStats(0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    public long requestCount() {
        return hitCount + missCount;
    }

    /** hits / requests; 1.0 when there were no requests (nothing was missed). */
    public double hitRate() {
        long requests = requestCount();
        return requests == 0 ? 1.0 : (double) hitCount / requests;
    }

    public double missRate() {
        long requests = requestCount();
        return requests == 0 ? 0.0 : (double) missCount / requests;
    }

    public long loadCount() {
        return loadSuccessCount + loadFailureCount;
    }

    public double averageLoadPenaltyNanos() {
        long loads = loadCount();
        return loads == 0 ? 0.0 : (double) totalLoadTimeNanos / loads;
    }

    /** Removals with the given cause. */
    public long removals(RemovalCause cause) {
        return removalsByCause.get(cause);
    }

    /** The difference {@code this - earlier}, for measuring an interval. */
    public CacheStats minus(CacheStats earlier) {
        EnumMap<RemovalCause, Long> diff = new EnumMap<>(RemovalCause.class);
        for (RemovalCause c : RemovalCause.values()) {
            diff.put(c, removals(c) - earlier.removals(c));
        }
        return new CacheStats(hitCount - earlier.hitCount, missCount - earlier.missCount,
                loadSuccessCount - earlier.loadSuccessCount, loadFailureCount - earlier.loadFailureCount,
                totalLoadTimeNanos - earlier.totalLoadTimeNanos, evictionCount - earlier.evictionCount,
                evictionWeight - earlier.evictionWeight, diff);
    }
}
