package io.cairn.cache;

import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/** Striped counters behind {@link CacheStats}; cheap to bump from many threads. */
final class StatsCounter {
    private final boolean enabled;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loadSuccesses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadTime = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder evictionWeight = new LongAdder();
    private final LongAdder[] removals = new LongAdder[RemovalCause.values().length];

    StatsCounter(boolean enabled) {
        this.enabled = enabled;
        for (int i = 0; i < removals.length; i++) {
            removals[i] = new LongAdder();
        }
    }

    void hit() {
        if (enabled) {
            hits.increment();
        }
    }

    void miss() {
        if (enabled) {
            misses.increment();
        }
    }

    void loadSuccess(long nanos) {
        if (enabled) {
            loadSuccesses.increment();
            loadTime.add(nanos);
        }
    }

    void loadFailure(long nanos) {
        if (enabled) {
            loadFailures.increment();
            loadTime.add(nanos);
        }
    }

    void removal(RemovalCause cause, long weight) {
        if (enabled) {
            removals[cause.ordinal()].increment();
            if (cause.wasEvicted()) {
                evictions.increment();
                evictionWeight.add(weight);
            }
        }
    }

    CacheStats snapshot() {
        if (!enabled) {
            return CacheStats.empty();
        }
        EnumMap<RemovalCause, Long> byCause = new EnumMap<>(RemovalCause.class);
        for (RemovalCause c : RemovalCause.values()) {
            byCause.put(c, removals[c.ordinal()].sum());
        }
        return new CacheStats(hits.sum(), misses.sum(), loadSuccesses.sum(), loadFailures.sum(),
                loadTime.sum(), evictions.sum(), evictionWeight.sum(), byCause);
    }
}
