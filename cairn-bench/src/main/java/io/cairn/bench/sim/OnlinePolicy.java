package io.cairn.bench.sim;

import java.util.function.IntFunction;

/** A policy that decides on each access as it comes: a cache built fresh for every replay. */
final class OnlinePolicy implements PolicySimulator {
    private final String name;
    private final IntFunction<ReplayCache> factory;

    OnlinePolicy(String name, IntFunction<ReplayCache> factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long countHits(long[] trace, int capacity) {
        PolicySimulator.checkCapacity(capacity);
        long hits = 0;
        try (ReplayCache cache = factory.apply(capacity)) {
            for (long key : trace) {
                if (cache.access(key)) {
                    hits++;
                }
            }
        }
        return hits;
    }

    /** One cache under replay. */
    @FunctionalInterface
    interface ReplayCache extends AutoCloseable {
        /** Looks {@code key} up, admits it on a miss, and says whether it was a hit. */
        boolean access(long key);

        /** Frees what the cache holds outside the heap; nothing for most. */
        @Override
        default void close() {
        }
    }
}
