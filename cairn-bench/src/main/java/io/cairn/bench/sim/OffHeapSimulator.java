package io.cairn.bench.sim;

import io.cairn.blockstore.OffHeapReplay;
import io.cairn.cache.EvictionPolicy;

/**
 * The off-heap content cache (native memory, primitive-array index) under replay, with one of the
 * {@code contentPolicy} settings it honours: {@code offheap-clock} (lru), {@code offheap-lfu} (lfu),
 * {@code offheap-tinylfu} (wtinylfu, the default).
 */
final class OffHeapSimulator implements PolicySimulator {
    private final String name;
    private final EvictionPolicy setting;

    OffHeapSimulator(String name, EvictionPolicy setting) {
        this.name = name;
        this.setting = setting;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long countHits(long[] trace, int capacity) {
        PolicySimulator.checkCapacity(capacity);
        long hits = 0;
        try (OffHeapReplay cache = new OffHeapReplay(setting, capacity)) {
            for (long key : trace) {
                if (cache.test(key)) {
                    hits++;
                }
            }
        }
        return hits;
    }
}
