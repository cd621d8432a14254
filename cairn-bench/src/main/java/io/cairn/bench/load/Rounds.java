package io.cairn.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/** One measured round of a closed-loop benchmark: {@code ops} calls spread over a fixed number of threads. */
public final class Rounds {
    private Rounds() {
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * How long the round took, each call's latency in milliseconds (by call index), and the CPU time
     * and bytes allocated by the calling threads (for a synchronous client, the work of a request runs
     * on the thread that makes it, so these are its cost whatever else loads the machine).
     */
    public record Round(double seconds, double[] latenciesMs, long cpuNanos, long allocatedBytes) {
    }

    /** Calls {@code op(i)} for i in {@code [0, ops)} on {@code threads} threads, each taking the next index. */
    public static Round run(int threads, int ops, IntConsumer op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        double[] lat = new double[ops];
        AtomicInteger next = new AtomicInteger();
        LongAdder cpu = new LongAdder();
        LongAdder alloc = new LongAdder();
        long start = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    long cpu0 = THREADS.getCurrentThreadCpuTime();
                    long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
                    int i;
                    while ((i = next.getAndIncrement()) < ops) {
                        long t0 = System.nanoTime();
                        op.accept(i);
                        lat[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    cpu.add(THREADS.getCurrentThreadCpuTime() - cpu0);
                    alloc.add(THREADS.getCurrentThreadAllocatedBytes() - alloc0);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new Round((System.nanoTime() - start) / 1e9, lat, cpu.sum(), alloc.sum());
    }
}
