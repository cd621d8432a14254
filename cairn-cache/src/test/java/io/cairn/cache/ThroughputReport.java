package io.cairn.cache;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A rough get/put throughput loop (not JMH; the bench module has the real benchmarks):
 * {@code java -cp ... io.cairn.cache.ThroughputReport}. Prints million operations per second for
 * 0 % and 25 % writes on 1 and 2 threads, 10,000 entries, Gaussian-skewed keys.
 */
final class ThroughputReport {
    private static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        Integer[] keys = new Integer[20_000];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (int) Math.min(100_000, Math.abs(r.nextGaussian()) * 5_000);
        }
        Cache<Integer, Integer> cache = CacheBuilder.newBuilder().maximumWeight(10_000).recordStats().build();
        for (Integer k : keys) {
            cache.put(k, k);
        }
        for (int writes : new int[] {0, 25}) {
            for (int threads : new int[] {1, 2}) {
                run(cache, keys, threads, writes, 1000); // warm-up
                CacheStats before = cache.stats();
                double mops = run(cache, keys, threads, writes, 2000);
                System.out.printf("writes %d%%, threads %d: %.1f M ops/s (hit rate %.2f)%n", writes, threads,
                        mops, cache.stats().minus(before).hitRate());
            }
        }
    }

    private static double run(Cache<Integer, Integer> c, Integer[] keys, int threads, int pctWrite, long millis)
            throws InterruptedException {
        LongAdder ops = new LongAdder();
        stop = false;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int seed = t;
            ts[t] = Thread.ofPlatform().start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                long n = 0;
                while (!stop) {
                    for (int i = 0; i < 1000; i++) {
                        Integer k = keys[rnd.nextInt(keys.length)];
                        if (rnd.nextInt(100) < pctWrite) {
                            c.put(k, k);
                        } else {
                            c.getIfPresent(k);
                        }
                    }
                    n += 1000;
                }
                ops.add(n);
            });
        }
        Thread.sleep(millis);
        stop = true;
        for (Thread t : ts) {
            t.join();
        }
        return ops.sum() / (millis / 1000.0) / 1e6;
    }
}
