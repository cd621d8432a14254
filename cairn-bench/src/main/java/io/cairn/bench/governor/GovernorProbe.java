package io.cairn.bench.governor;

import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs inside a child JVM with a fixed heap (see {@link GovernorCommand}) and measures the memory
 * governor from the outside, as an application sees it:
 * <ul>
 * <li><b>latency</b>: the application retains memory until usage crosses a level's threshold;
 * the delay runs from the allocation that crossed it to the listener call. The governor learns
 * of the live set from GC notifications, so the delay includes waiting for the next collection —
 * which is why it is measured both with an allocating ("busy") application and an idle one. In the
 * "-reserved" modes every retained chunk is reserved first, as Cairn's uploads are, and the crossing
 * is the reservation that takes usage past the threshold: an exact input, no estimate.</li>
 * <li><b>CPU</b>: a fixed allocation-heavy workload runs with and without a governor; reported are
 * the CPU time of the governor's own threads as a share of the process's, and the workload's
 * throughput both ways.</li>
 * </ul>
 * Output: lines {@code RESULT key=value ...} on stdout, for the parent to collect.
 */
public final class GovernorProbe {
    private static final int CHUNK = 128 << 10;
    /** A trial that could not start below the target level. */
    static final double SKIPPED = Double.NEGATIVE_INFINITY;
    /** The level was reached before any retained bytes were added: the workload's garbage alone raised it. */
    static final double BEFORE_ADDING = Double.POSITIVE_INFINITY;
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int trials = Integer.parseInt(args[0]);
        PressureLevel target = PressureLevel.valueOf(args[1].toUpperCase(Locale.ROOT));
        int churnMbPerSecond = Integer.parseInt(args[2]);
        int cpuSeconds = Integer.parseInt(args[3]);
        boolean trace = args.length > 4 && Boolean.parseBoolean(args[4]);
        long heapMax = Runtime.getRuntime().maxMemory();
        GovernorConfig config = GovernorConfig.builder().maxMemoryBytes(heapMax).build();

        for (String mode : new String[] {"busy", "idle", "busy-reserved", "idle-reserved"}) {
            int rate = mode.startsWith("busy") ? churnMbPerSecond : 0;
            Growth growth = mode.endsWith("reserved") ? Growth.RESERVED : Growth.HEAP;
            try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config)) {
                for (int t = 0; t < trials; t++) {
                    GcTrace gcTrace = trace ? GcTrace.start() : null;
                    double ms;
                    try {
                        ms = latencyTrial(governor, target, heapMax, rate, growth, gcTrace);
                    } finally {
                        if (gcTrace != null) {
                            gcTrace.close();
                        }
                    }
                    if (gcTrace != null) {
                        gcTrace.print(mode, t, (long) (heapMax * thresholdOf(target)));
                    }
                    if (ms == SKIPPED) {
                        System.out.printf(Locale.ROOT, "trial %s/%d skipped: still at %s after settling%n", mode, t, governor.level());
                        continue;
                    }
                    System.out.printf(Locale.ROOT, "RESULT latency mode=%s trial=%d delay_ms=%s%n", mode, t,
                            ms == BEFORE_ADDING ? "before_adding" : String.format(Locale.ROOT, "%.3f", ms));
                }
            }
        }
        cpu(config, cpuSeconds);
    }

    /** How the retained bytes arrive. */
    enum Growth {
        /** Plain allocations: the governor sees them only through its live-set estimate. */
        HEAP,
        /**
         * Each chunk reserved first ({@code tryReserve}), then allocated and released with its size, as
         * Cairn's uploads do: an exact input the governor acts on without waiting for a collection.
         */
        RESERVED
    }

    /**
     * One crossing; returns the delay in ms (negative when the governor saw the level before the
     * retained bytes alone crossed it, e.g. because garbage counted too), or NaN if the listener
     * was not called within 10 s, or {@link #SKIPPED}.
     */
    static double latencyTrial(MemoryGovernor governor, PressureLevel target, long heapMax, int churnMbPerSecond,
                               Growth growth, GcTrace gcTrace) throws InterruptedException {
        awaitCalm(governor);
        // The probe's own guard against overrunning its heap: what is really live now, measured
        // after a full collection. The governor's estimate may lag behind it (a quiet run died of
        // OutOfMemoryError in the idle mode when it did), and growth stops at 90 % of the heap.
        System.gc();
        long liveBaseline = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long ceiling = (long) (heapMax * 0.90);
        AtomicLong notifiedAt = new AtomicLong();
        CountDownLatch notified = new CountDownLatch(1);
        List<byte[]> retained = new ArrayList<>();
        double threshold = thresholdOf(target);
        // fill to 10 points below the threshold (beyond the default 5-point hysteresis) and let
        // the governor settle there
        fill(retained, Math.min((long) (heapMax * (threshold - 0.10)) - governor.stats().usedBytes(),
                ceiling - liveBaseline));
        for (int i = 0; i < 10 && governor.level().atLeast(target); i++) {
            System.gc();
            Thread.sleep(500);
        }
        Thread.sleep(1000);
        if (governor.level().atLeast(target)) {
            retained.clear();
            return SKIPPED;
        }
        Churn churn = churnMbPerSecond > 0 ? Churn.start(churnMbPerSecond) : null;
        try (MemoryGovernor.Registration reg = governor.addListener((prev, cur, stats) -> {
            if (cur.atLeast(target) && notifiedAt.compareAndSet(0, System.nanoTime())) {
                // What raised it: the binding limit and its figures, for the report of an early rise.
                System.out.printf(Locale.ROOT, "rise %s->%s binding=%s used=%d limit=%d live=%d heap_used=%d%n", prev, cur,
                        stats.bindingLimit(), stats.bindingUsedBytes(), stats.bindingLimitBytes(), stats.liveSetAfterGc(),
                        stats.heapUsed());
                notified.countDown();
            }
        })) {
            Thread.sleep(500);
            long base = governor.stats().usedBytes();
            long crossing = (long) (heapMax * threshold);
            long goal = (long) (heapMax * Math.min(0.99, threshold + 0.03));
            long crossedAt = 0;
            long added = 0;
            long addStart = System.nanoTime();
            // 128 KiB steps stay below G1's humongous size on small heaps, so each costs its size.
            // The crossing is the moment the chunk that takes base + added past the threshold is
            // reserved (RESERVED: the governor is told then) or allocated (HEAP).
            long filled = (long) retained.size() * CHUNK;
            while (base + added < goal && liveBaseline + filled + added + CHUNK < ceiling) {
                boolean crosses = crossedAt == 0 && base + added + CHUNK >= crossing;
                if (crosses && growth == Growth.RESERVED) {
                    crossedAt = System.nanoTime();
                }
                MemoryGovernor.Reservation r = growth == Growth.RESERVED ? governor.tryReserve(CHUNK) : null;
                retained.add(new byte[CHUNK]);
                if (r != null) {
                    r.release(CHUNK);
                }
                added += CHUNK;
                if (crosses && growth == Growth.HEAP) {
                    crossedAt = System.nanoTime();
                }
            }
            long doneAt = System.nanoTime();
            if (crossedAt == 0) {
                crossedAt = doneAt;
            }
            boolean ok = notified.await(10, TimeUnit.SECONDS);
            if (gcTrace != null) {
                gcTrace.marks(addStart, crossedAt, doneAt, ok ? notifiedAt.get() : 0);
            }
            if (ok && notifiedAt.get() < addStart) {
                return BEFORE_ADDING;
            }
            return ok ? (notifiedAt.get() - crossedAt) / 1e6 : Double.NaN;
        } finally {
            if (churn != null) {
                churn.stop();
            }
            retained.clear();
            sink = null;
        }
    }

    private static void fill(List<byte[]> retained, long bytes) {
        for (long done = 0; done < bytes; done += CHUNK) {
            retained.add(new byte[CHUNK]);
        }
    }

    private static double thresholdOf(PressureLevel level) {
        return switch (level) {
            case LOW -> 0.60;
            case MEDIUM -> 0.75;
            case HIGH -> 0.85;
            case CRITICAL -> 0.95;
            case NONE -> throw new IllegalArgumentException("target level must be above NONE");
        };
    }

    /** Collects until the governor is back at NONE (bounded): every trial starts from calm. */
    private static void awaitCalm(MemoryGovernor governor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (governor.level() != PressureLevel.NONE && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(200);
        }
        if (governor.level() != PressureLevel.NONE) {
            throw new IllegalStateException("governor did not return to NONE within 30 s: " + governor.stats());
        }
        Thread.sleep(1100); // past the minimum dwell, so the next rise is not held back by it
    }

    /** Governor CPU against an allocation-heavy workload. */
    static void cpu(GovernorConfig config, int seconds) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // alternate the runs so that JIT warm-up and heap sizing favour neither side
        double without = 0;
        double with = 0;
        long governorCpu = 0;
        long cpu0 = 0;
        for (int round = 0; round < 2; round++) {
            without += workload(seconds) / 2;
            if (round == 1) {
                cpu0 = os.getProcessCpuTime();
            }
            try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config)) {
                with += workload(seconds) / 2;
                if (round == 1) {
                    governorCpu = governorThreadsCpu(threads);
                }
            }
        }
        long processCpu = os.getProcessCpuTime() - cpu0;
        System.out.printf(Locale.ROOT,
                "RESULT cpu seconds=%d workload_mb_s_without=%.1f workload_mb_s_with=%.1f governor_cpu_ms=%.1f process_cpu_ms=%.1f%n",
                seconds, without, with, governorCpu / 1e6, processCpu / 1e6);
    }

    private static long governorThreadsCpu(ThreadMXBean mx) {
        long total = 0;
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti != null && ti.getThreadName().startsWith("cairn-governor")) {
                long t = mx.getThreadCpuTime(ti.getThreadId());
                if (t > 0) {
                    total += t;
                }
            }
        }
        return total;
    }

    /** Allocates as fast as it can for {@code seconds}, keeping a small working set; MB/s. */
    static double workload(int seconds) {
        Object[] ring = new Object[4096];
        long bytes = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int i = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) {
                byte[] b = new byte[64 + (i & 1023)];
                b[0] = (byte) i;
                ring[i & 4095] = b;
                bytes += b.length;
                i++;
            }
        }
        sink = ring;
        return bytes / 1048576.0 / ((System.nanoTime() - start) / 1e9);
    }

    /** A background thread allocating short-lived garbage at a steady rate: a busy application. */
    static final class Churn {
        private final Thread thread;
        private volatile boolean stop;

        private Churn(int mbPerSecond) {
            thread = Thread.ofPlatform().daemon().name("probe-churn").unstarted(() -> {
                Object[] ring = new Object[256];
                long perTick = mbPerSecond * 1048576L / 100;
                int i = 0;
                while (!stop) {
                    long tickEnd = System.nanoTime() + 10_000_000L;
                    for (long done = 0; done < perTick; done += 16384) {
                        ring[i++ & 255] = new byte[16384];
                    }
                    long wait = tickEnd - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                sink = ring;
            });
        }

        static Churn start(int mbPerSecond) {
            Churn c = new Churn(mbPerSecond);
            c.thread.start();
            return c;
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(5000);
        }
    }
}
