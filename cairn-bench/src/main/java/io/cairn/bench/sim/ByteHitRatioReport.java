package io.cairn.bench.sim;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.cairn.bench.trace.Compression;
import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongBinaryOperator;

/**
 * Object and byte hit ratios with variable-size entries: replays the AdaptSize request sample
 * ({@code time id size}) against caches bounded in bytes, each entry weighing its size, at 1, 5, 10
 * and 25 % of the trace's distinct bytes. A request hits if the id is cached; a miss inserts it
 * with its size. {@code java -cp ... io.cairn.bench.sim.ByteHitRatioReport traces/adapt_size_request.trace.xz}
 */
public final class ByteHitRatioReport {
    private static final List<String> POLICIES = List.of("lru", "lfu", "arc", "wtinylfu", "s3fifo", "default", "caffeine");

    private ByteHitRatioReport() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "traces/adapt_size_request.trace.xz");
        long[] ids;
        long[] sizes;
        int n = 0;
        long[] idBuf = new long[1 << 16];
        long[] sizeBuf = new long[1 << 16];
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Compression.open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 3) {
                    continue;
                }
                if (n == idBuf.length) {
                    idBuf = java.util.Arrays.copyOf(idBuf, n * 2);
                    sizeBuf = java.util.Arrays.copyOf(sizeBuf, n * 2);
                }
                idBuf[n] = Long.parseLong(f[1]);
                sizeBuf[n] = Math.max(1, Long.parseLong(f[2]));
                n++;
            }
        }
        ids = java.util.Arrays.copyOf(idBuf, n);
        sizes = java.util.Arrays.copyOf(sizeBuf, n);
        Map<Long, Long> distinct = new HashMap<>();
        for (int i = 0; i < n; i++) {
            distinct.putIfAbsent(ids[i], sizes[i]);
        }
        long distinctBytes = distinct.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "%s: %,d requests, %,d distinct ids, %,d distinct bytes%n", file.getFileName(),
                n, distinct.size(), distinctBytes);
        System.out.printf(Locale.ROOT, "%-10s %14s %10s %10s%n", "policy", "bound (bytes)", "object %", "byte %");
        for (double fraction : new double[] {0.01, 0.05, 0.10, 0.25}) {
            long bound = (long) (distinctBytes * fraction);
            for (String policy : POLICIES) {
                LongBinaryOperator cache = cacheFor(policy, bound);
                long hits = 0;
                long hitBytes = 0;
                long bytes = 0;
                for (int i = 0; i < n; i++) {
                    bytes += sizes[i];
                    if (cache.applyAsLong(ids[i], sizes[i]) != 0) {
                        hits++;
                        hitBytes += sizes[i];
                    }
                }
                System.out.printf(Locale.ROOT, "%-10s %14d %9.2f %% %9.2f %%%n", policy, bound, 100.0 * hits / n,
                        100.0 * hitBytes / bytes);
            }
        }
    }

    /** A cache bounded at {@code bound} bytes; the operator answers 1 on a hit, 0 on a miss (then inserted). */
    private static LongBinaryOperator cacheFor(String policy, long bound) {
        if (policy.equals("caffeine")) {
            com.github.benmanes.caffeine.cache.Cache<Long, Long> c = Caffeine.newBuilder().maximumWeight(bound)
                    .weigher((Long k, Long v) -> (int) Math.min(Integer.MAX_VALUE, v)).executor(Runnable::run).build();
            return (id, size) -> {
                boolean hit = c.getIfPresent(id) != null;
                if (!hit) {
                    c.put(id, size);
                }
                c.cleanUp();
                return hit ? 1 : 0;
            };
        }
        CacheBuilder<Long, Long> b = CacheBuilder.<Long, Long>newBuilder().maximumWeight(bound)
                .weigher((Long k, Long v) -> v).maintenanceExecutor(CacheBuilder.CALLING_THREAD);
        if (!policy.equals("default")) {
            b.evictionPolicy(EvictionPolicy.byName(policy));
        }
        Cache<Long, Long> c = b.build();
        return (id, size) -> {
            if (c.getIfPresent(id) != null) {
                return 1;
            }
            c.put(id, size);
            return 0;
        };
    }
}
