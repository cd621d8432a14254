package io.cairn.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** Reads the LIRS traces in ../traces (gzip text, one integer key per line, '*' lines skipped). */
final class Traces {
    private Traces() {
    }

    static Path dir() {
        for (Path p : new Path[] {Path.of("../traces"), Path.of("traces"), Path.of("/work/main/traces")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("trace directory not found (looked for ../traces from "
                + Path.of("").toAbsolutePath() + ")");
    }

    static int[] lirs(String name) {
        Path file = dir().resolve(name + ".trace.gz");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing trace " + file.toAbsolutePath());
        }
        int[] keys = new int[1 << 16];
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.equals("*")) {
                    continue;
                }
                if (n == keys.length) {
                    keys = Arrays.copyOf(keys, n * 2);
                }
                keys[n++] = Integer.parseInt(line);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        if (n == 0) {
            throw new IllegalStateException("trace " + file + " is empty");
        }
        return Arrays.copyOf(keys, n);
    }

    /** The Corda vault-service trace: gzip binary, big-endian int64 keys. */
    static long[] corda() {
        Path file = dir().resolve("corda_trace_vaultservice.gz");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing trace " + file.toAbsolutePath());
        }
        long[] keys = new long[1 << 17];
        int n = 0;
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16)))) {
            while (true) {
                long k;
                try {
                    k = in.readLong();
                } catch (java.io.EOFException end) {
                    break;
                }
                if (n == keys.length) {
                    keys = Arrays.copyOf(keys, n * 2);
                }
                keys[n++] = k;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        if (n == 0) {
            throw new IllegalStateException("trace " + file + " is empty");
        }
        return Arrays.copyOf(keys, n);
    }

    static double replay(long[] trace, EvictionPolicy policy, long size) {
        Cache<Long, Long> cache = CacheBuilder.newBuilder().maximumWeight(size)
                .weigher((k, v) -> 1).evictionPolicy(policy).maintenanceExecutor(CacheBuilder.CALLING_THREAD).build();
        long hits = 0;
        for (long key : trace) {
            Long k = key;
            if (cache.getIfPresent(k) != null) {
                hits++;
            } else {
                cache.put(k, k);
            }
        }
        return 100.0 * hits / trace.length;
    }

    /** Hit ratio in percent of a replay through a fresh cache of {@code size} unit-weight entries. */
    static double replay(int[] trace, EvictionPolicy policy, long size) {
        Cache<Integer, Integer> cache = CacheBuilder.newBuilder().maximumWeight(size)
                .weigher((k, v) -> 1).evictionPolicy(policy).maintenanceExecutor(CacheBuilder.CALLING_THREAD).build();
        long hits = 0;
        for (int key : trace) {
            Integer k = key;
            if (cache.getIfPresent(k) != null) {
                hits++;
            } else {
                cache.put(k, k);
            }
            if (cache.weightedSize() > size) {
                throw new AssertionError("bound exceeded after put: " + cache.weightedSize() + " > " + size);
            }
        }
        return 100.0 * hits / trace.length;
    }
}
