package io.cairn.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link CacheBench}'s get-or-put in CPU time rather than wall time, for a machine too loaded for
 * JMH's throughput to mean much. Each implementation runs in its own child JVM (as JMH forks), in
 * alternating rounds; a child warms up, then times {@code ops} get-or-puts per thread and prints
 * the CPU time of the whole process per operation (so Caffeine's maintenance on the common pool is
 * counted, as is ours on the calling threads), the calling threads' own CPU time per operation, and
 * the hit ratio. The parent prints the median of each over the rounds.
 *
 * <pre>java -cp "cairn-bench/target/classes:cairn-bench/target/lib/*" io.cairn.bench.jmh.CacheCpuCost [rounds] [threads] [impl,...]</pre>
 */
public final class CacheCpuCost {
    private CacheCpuCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String[] impls = (args.length > 2 ? args[2] : "caffeine,caffeine-caller,adaptive,wtinylfu").split(",");
        int ops = 4_000_000;
        List<List<double[]>> results = new ArrayList<>();
        for (String ignored : impls) {
            results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < impls.length; k++) {
                int i = r % 2 == 0 ? k : impls.length - 1 - k; // alternate the order between rounds
                results.get(i).add(runChild(impls[i], threads, ops));
            }
        }
        System.out.printf(Locale.ROOT, "impl             threads  process_cpu_ns_per_op  caller_cpu_ns_per_op  hit_ratio"
                + "   (median of %d rounds, %d ops per thread)%n", rounds, ops);
        for (int i = 0; i < impls.length; i++) {
            System.out.printf(Locale.ROOT, "%-16s %7d  %21.1f  %20.1f  %9.4f%n", impls[i], threads,
                    median(results.get(i), 0), median(results.get(i), 1), median(results.get(i), 2));
        }
    }

    private static double[] runChild(String impl, int threads, int ops) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseParallelGC", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), CacheCpuCost.class.getName(), "--child", impl,
                Integer.toString(threads), Integer.toString(ops)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 || !out.contains("RESULT ")) {
            throw new IllegalStateException("child for " + impl + " failed: " + out);
        }
        String[] f = out.substring(out.lastIndexOf("RESULT ") + 7).trim().split(" ");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    private static void child(String impl, int threads, int ops) throws Exception {
        CacheBench bench = new CacheBench();
        bench.impl = impl;
        bench.valueBytes = 4096;
        bench.setUp();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var mx = ManagementFactory.getThreadMXBean();
        long[] hits = new long[threads];
        long[] callerCpu = new long[threads];
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            boolean timed = pass == 1;
            Thread[] ts = new Thread[threads];
            long processBefore = os.getProcessCpuTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    CacheBench.Cursor c = new CacheBench.Cursor();
                    c.start();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long h = 0;
                    for (int i = 0; i < ops; i++) {
                        h += bench.getOrPut(c);
                    }
                    callerCpu[id] = mx.getCurrentThreadCpuTime() - cpu0;
                    hits[id] = h;
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            long process = os.getProcessCpuTime() - processBefore;
            if (timed) {
                long total = (long) ops * threads;
                System.out.printf(Locale.ROOT, "RESULT %.1f %.1f %.4f%n", (double) process / total,
                        (double) Arrays.stream(callerCpu).sum() / total, (double) Arrays.stream(hits).sum() / total);
            }
        }
        bench.tearDown();
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }
}
