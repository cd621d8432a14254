package io.cairn.bench.sim;

import io.cairn.blockstore.OffHeapReplay;
import io.cairn.cache.EvictionPolicy;

/**
 * The off-heap content cache (native memory, primitive-array index) under replay, with one of the
 * {@code contentPolicy} settings it honours: {@code offheap-clock} (lru), {@code offheap-lfu} (lfu),
 * {@code offheap-tinylfu} (wtinylfu, the default). Its native memory is freed after each replay.
 */
final class OffHeapSimulator {
    private OffHeapSimulator() {
    }

    static PolicySimulator of(String name, EvictionPolicy setting) {
        return new OnlinePolicy(name, capacity -> {
            OffHeapReplay cache = new OffHeapReplay(setting, capacity);
            return new OnlinePolicy.ReplayCache() {
                @Override
                public boolean access(long key) {
                    return cache.test(key);
                }

                @Override
                public void close() {
                    cache.close();
                }
            };
        });
    }
}
