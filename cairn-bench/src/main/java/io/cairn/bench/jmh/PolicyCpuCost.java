package io.cairn.bench.jmh;

import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the adaptive default policy costs over plain W-TinyLFU: the calling thread's CPU time
 * ({@link ThreadMXBean}) for one access stream, replayed through a cache of each policy, and the
 * heap the adaptive cache keeps beyond the W-TinyLFU one holding the same entries (its shadow
 * caches and bookkeeping).
 *
 * <p>The stream is {@link CacheBench}'s: get-or-put on CID keys with 4 KiB values weighed in bytes,
 * Zipf 0.99 over 131,072 keys, the cache holding a tenth of them; one thread, no executor, so every
 * policy update runs on the measured thread. Each round builds a fresh cache of each policy and
 * sends them the same requests in alternating blocks, so drift of the machine's speed hits both
 * alike; the figure is the median of the per-round ratios. Run it with {@code -XX:+UseSerialGC} for a stable heap figure.
 *
 * <p>Usage: {@code PolicyCpuCost [rounds] [operations per round]} (default 9 and 2,000,000).
 */
public final class PolicyCpuCost {
    static final int KEYS = 1 << 17;
    static final int VALUE_BYTES = 4096;

    private PolicyCpuCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        Cid[] keys = new Cid[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, ByteBuffer.allocate(8).putLong(i).array());
        }
        int[] samples = Zipf.samples(KEYS, 0.99, 1 << 20, 1234);
        byte[] value = new byte[VALUE_BYTES];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        round(keys, samples, value, ops, mx); // JIT warm-up, not counted
        double[] ratios = new double[rounds];
        long[] plain = new long[rounds];
        long[] adaptive = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long[] cpu = round(keys, samples, value, ops, mx);
            plain[r] = cpu[0];
            adaptive[r] = cpu[1];
            ratios[r] = (double) adaptive[r] / plain[r];
            System.out.printf(Locale.ROOT, "round %d: wtinylfu %.1f ns/op, adaptive %.1f ns/op, extra %+.2f %%%n", r,
                    (double) plain[r] / ops, (double) adaptive[r] / ops, 100 * (ratios[r] - 1));
        }
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "RESULT extra_cpu_percent_median=%.2f min=%.2f max=%.2f rounds=%d ops=%d%n",
                100 * (ratios[rounds / 2] - 1), 100 * (ratios[0] - 1), 100 * (ratios[rounds - 1] - 1), rounds, ops);
        System.out.printf(Locale.ROOT, "RESULT wtinylfu_ns_per_op_median=%.1f adaptive_ns_per_op_median=%.1f%n",
                median(plain) / ops, median(adaptive) / ops);
        heap(keys, samples, value);
    }

    /**
     * One round: a fresh cache of each policy, both filled by the same warm-up, then the same
     * {@code ops} requests through both in alternating blocks of {@link #BLOCK}, so that a burst
     * of load on the machine falls on both. Returns the two CPU times, W-TinyLFU first.
     */
    private static long[] round(Cid[] keys, int[] samples, byte[] value, int ops, ThreadMXBean mx) {
        long[] cpu = new long[2];
        try (Cache<Cid, byte[]> plain = build(EvictionPolicy.W_TINY_LFU);
             Cache<Cid, byte[]> adaptive = build(EvictionPolicy.ADAPTIVE)) {
            replay(plain, keys, samples, value, 0, KEYS);
            replay(adaptive, keys, samples, value, 0, KEYS);
            for (int from = KEYS, b = 0; from < KEYS + ops; from += BLOCK, b++) {
                int n = Math.min(BLOCK, KEYS + ops - from);
                for (int k = 0; k < 2; k++) {
                    int which = (b + k) & 1; // alternate which policy goes first
                    long start = mx.getCurrentThreadCpuTime();
                    replay(which == 0 ? plain : adaptive, keys, samples, value, from, n);
                    cpu[which] += mx.getCurrentThreadCpuTime() - start;
                }
            }
        }
        return cpu;
    }

    static final int BLOCK = 20_000;

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Cache<Cid, byte[]> build(EvictionPolicy policy) {
        return CacheBuilder.<Cid, byte[]>newBuilder().maximumWeight((long) (KEYS / 10) * VALUE_BYTES)
                .weigher((Cid k, byte[] v) -> v.length).evictionPolicy(policy)
                .maintenanceExecutor(CacheBuilder.CALLING_THREAD).build(); // all upkeep on the measured thread
    }

    /** Get-or-put of requests {@code from .. from + n} of the stream (wrapping round the samples). */
    private static void replay(Cache<Cid, byte[]> cache, Cid[] keys, int[] samples, byte[] value, int from, int n) {
        int mask = samples.length - 1;
        for (int i = from; i < from + n; i++) {
            Cid key = keys[samples[i & mask]];
            if (cache.getIfPresent(key) == null) {
                cache.put(key, value);
            }
        }
    }

    /** Heap kept by an adaptive cache beyond a W-TinyLFU cache with the same entries. */
    private static void heap(Cid[] keys, int[] samples, byte[] value) {
        long base = usedAfterGc();
        Cache<Cid, byte[]> plain = build(EvictionPolicy.W_TINY_LFU);
        replay(plain, keys, samples, value, 0, 1 << 20);
        long withPlain = usedAfterGc();
        Cache<Cid, byte[]> adaptive = build(EvictionPolicy.ADAPTIVE);
        replay(adaptive, keys, samples, value, 0, 1 << 20);
        long withBoth = usedAfterGc();
        long p = withPlain - base;
        long a = withBoth - withPlain;
        System.out.printf(Locale.ROOT, "RESULT heap_wtinylfu_bytes=%d heap_adaptive_bytes=%d adaptive_extra_bytes=%d"
                + " entries=%d/%d%n", p, a, a - p, plain.estimatedSize(), adaptive.estimatedSize());
        plain.close();
        adaptive.close();
    }

    /** Heap in use after full collections, once two in a row agree to the kilobyte. */
    private static long usedAfterGc() {
        var mem = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        int stable = 0;
        for (int i = 0; i < 20 && stable < 2; i++) {
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            stable = Math.abs(used - last) < 1024 ? stable + 1 : 0;
            last = used;
        }
        return last;
    }
}
