package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The hit path: no allocation, and no waiting for the lock. */
class ReadPathTest {

    @Test
    void aHitAllocatesNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (EvictionPolicy p : new EvictionPolicy[] {EvictionPolicy.W_TINY_LFU, EvictionPolicy.LRU, EvictionPolicy.ARC}) {
            Cache<Integer, Integer> c = CacheBuilder.<Integer, Integer>newBuilder().maximumWeight(1000)
                    .evictionPolicy(p).build();
            Integer[] keys = new Integer[500];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i;
                c.put(keys[i], keys[i]);
            }
            long sum = 0;
            for (int i = 0; i < 300_000; i++) { // warm up: the hit path gets compiled
                sum += c.getIfPresent(keys[i % keys.length]);
            }
            int hits = 1_000_000;
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < hits; i++) {
                sum += c.getIfPresent(keys[(i * 7) % keys.length]);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(sum).isPositive();
            assertThat((double) allocated / hits).as("bytes allocated per hit, %s", p).isLessThan(0.05);
            c.close();
        }
    }

    /** Another thread holds the engine's lock throughout; hits must still be answered, all of them. */
    @Test
    void aHitNeverWaitsForTheLock() throws Exception {
        Cache<Integer, Integer> c = CacheBuilder.<Integer, Integer>newBuilder().maximumWeight(1000)
                .evictionPolicy(EvictionPolicy.W_TINY_LFU).build();
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
        }
        try (HeldLock held = HeldLock.evictionLockOf(c)) {
            // far more hits than the read buffer holds: full stripes must drop reads, not block
            CompletableFuture<Long> reads = CompletableFuture.supplyAsync(() -> {
                long sum = 0;
                for (int i = 0; i < 100_000; i++) {
                    sum += c.getIfPresent(i % 100);
                }
                return sum;
            });
            assertThat(reads.get(60, TimeUnit.SECONDS)).isEqualTo(100_000L / 100 * (99 * 100 / 2));
        }
        c.close();
    }
}
