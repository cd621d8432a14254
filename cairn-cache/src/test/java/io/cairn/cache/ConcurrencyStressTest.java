package io.cairn.cache;

import io.cairn.memory.ManualMemoryGovernor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads hammer one cache with a mix of reads, puts, loads and invalidations. Every value
 * written is unique, so afterwards each must be accounted for exactly once: either still cached or
 * reported removed to the listener. Then the bound, the weight and the statistics must agree.
 */
class ConcurrencyStressTest {
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 60_000;
    private static final int KEYS = 2_000;
    private static final long MAX_WEIGHT = 3_000;

    record Value(int key, long id, int weight) {
    }

    @ParameterizedTest
    @EnumSource(EvictionPolicy.class)
    void invariantsHoldAfterCleanUp(EvictionPolicy policy) throws Exception {
        ConcurrentHashMap<Long, RemovalCause> removed = new ConcurrentHashMap<>();
        LongAdder duplicateRemovals = new LongAdder();
        Cache<Integer, Value> cache = CacheBuilder.newBuilder()
                .maximumWeight(MAX_WEIGHT)
                .weigher((Integer k, Value v) -> v.weight())
                .evictionPolicy(policy)
                .removalListener((Integer k, Value v, RemovalCause cause) -> {
                    if (removed.putIfAbsent(v.id(), cause) != null) {
                        duplicateRemovals.increment();
                    }
                })
                .recordStats()
                .build();
        Set<Long> written = ConcurrentHashMap.newKeySet();
        Set<Long> loaded = ConcurrentHashMap.newKeySet();
        LongAdder lookups = new LongAdder();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(thread * 31L + policy.ordinal());
                    long seq = 0;
                    start.await();
                    for (int i = 0; i < OPS_PER_THREAD; i++) {
                        // Skewed keys so that some are hot and reads often hit.
                        int key = (int) Math.min(KEYS - 1, Math.abs(rnd.nextGaussian()) * KEYS / 4);
                        int op = rnd.nextInt(100);
                        if (op < 60) {
                            Value v = cache.getIfPresent(key);
                            lookups.increment();
                            if (v != null) {
                                assertThat(v.key()).isEqualTo(key);
                            }
                        } else if (op < 85) {
                            Value v = new Value(key, ((long) thread << 40) | seq++, 1 + rnd.nextInt(8));
                            written.add(v.id());
                            cache.put(key, v);
                        } else if (op < 95) {
                            long id = ((long) thread << 40) | seq++;
                            int weight = 1 + rnd.nextInt(8);
                            Value v = cache.get(key, k -> {
                                loaded.add(id);
                                return new Value(k, id, weight);
                            });
                            lookups.increment();
                            assertThat(v.key()).isEqualTo(key);
                        } else {
                            cache.invalidate(key);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        cache.cleanUp();
        CacheStats stats = cache.stats();

        assertThat(cache.weightedSize()).isLessThanOrEqualTo(MAX_WEIGHT);
        assertThat(stats.hitCount() + stats.missCount()).isEqualTo(lookups.sum());

        Set<Long> present = new HashSet<>();
        long weight = 0;
        long entries = 0;
        for (int k = 0; k < KEYS; k++) {
            Value v = cache.getIfPresent(k);
            if (v != null) {
                assertThat(v.key()).isEqualTo(k);
                assertThat(present.add(v.id())).isTrue();
                weight += v.weight();
                entries++;
            }
        }
        assertThat(cache.weightedSize()).isEqualTo(weight);
        assertThat(cache.estimatedSize()).isEqualTo(entries);
        // No value lost or duplicated: each put value is either cached or was removed, once. A loaded
        // value may also have been dropped unseen (a put or invalidation raced with its load, so it
        // was returned but never cached); nothing else may appear.
        assertThat(duplicateRemovals.sum()).isZero();
        for (Long id : present) {
            assertThat(removed).doesNotContainKey(id);
        }
        Set<Long> accounted = new HashSet<>(present);
        accounted.addAll(removed.keySet());
        Set<Long> missing = new HashSet<>(written);
        missing.removeAll(accounted);
        assertThat(missing).as("put values neither cached nor reported removed").isEmpty();
        Set<Long> unexplained = new HashSet<>(accounted);
        unexplained.removeAll(written);
        unexplained.removeAll(loaded);
        assertThat(unexplained).isEmpty();
        assertThat(loaded).isNotEmpty();
        // The statistics agree with the listener.
        long evicted = removed.values().stream().filter(RemovalCause::wasEvicted).count();
        assertThat(stats.evictionCount()).isEqualTo(evicted);
        assertThat(stats.removalsByCause().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(removed.size());
    }

    @org.junit.jupiter.api.Test
    void governorTrimsRacingWritersKeepTheAccountsStraight() throws Exception {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        ConcurrentHashMap<Long, RemovalCause> removed = new ConcurrentHashMap<>();
        Cache<Integer, Value> cache = CacheBuilder.newBuilder()
                .maximumWeight(MAX_WEIGHT)
                .weigher((Integer k, Value v) -> v.weight())
                .governedBy(governor, GovernanceConfig.defaults())
                .ticker(ticker)
                .removalListener((Integer k, Value v, RemovalCause cause) -> removed.put(v.id(), cause))
                .build();
        Set<Long> written = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final long thread = t;
                writers.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(thread);
                    for (long seq = 0; seq < 40_000; seq++) {
                        int key = rnd.nextInt(KEYS);
                        Value v = new Value(key, (thread << 40) | seq, 1 + rnd.nextInt(8));
                        written.add(v.id());
                        cache.put(key, v);
                        cache.getIfPresent(rnd.nextInt(KEYS));
                    }
                    return null;
                }));
            }
            Future<?> flipper = pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(99);
                io.cairn.memory.PressureLevel[] levels = io.cairn.memory.PressureLevel.values();
                while (!stop.get()) {
                    governor.setLevel(levels[rnd.nextInt(levels.length)]);
                    ticker.advance(java.time.Duration.ofMillis(300));
                }
                return null;
            });
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS);
            }
            stop.set(true);
            flipper.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        governor.setLevel(io.cairn.memory.PressureLevel.NONE);
        for (int i = 0; i < 4; i++) {
            ticker.advance(java.time.Duration.ofSeconds(1));
            cache.cleanUp();
        }
        assertThat(cache.policy().effectiveMaximum()).isEqualTo(MAX_WEIGHT);
        assertThat(cache.policy().isAdmitting()).isTrue();
        long weight = 0;
        Set<Long> present = new HashSet<>();
        for (int k = 0; k < KEYS; k++) {
            Value v = cache.getIfPresent(k);
            if (v != null) {
                weight += v.weight();
                present.add(v.id());
            }
        }
        assertThat(cache.weightedSize()).isEqualTo(weight).isLessThanOrEqualTo(MAX_WEIGHT);
        // Puts made while not admitting are written nowhere here (no writer) and reported nowhere:
        // they were never cached. Everything that was cached is either still there or was reported.
        for (Long id : present) {
            assertThat(removed).doesNotContainKey(id);
        }
        assertThat(removed.values()).contains(RemovalCause.PRESSURE);
        Set<Long> unexplained = new HashSet<>(present);
        unexplained.addAll(removed.keySet());
        unexplained.removeAll(written);
        assertThat(unexplained).isEmpty();
        cache.close();
    }
}
