package io.cairn.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one memory scenario inside a child JVM with a small heap and reports on stdout, one fact
 * per line, for {@link GovernorPressureTest} to parse:
 * <pre>
 *   CHANGE prev cur ratio      a level change as a listener saw it
 *   STEP name target level ratio live
 *   RESULT key value
 * </pre>
 * Exit code 0 when the scenario ran to the end; 3 on OutOfMemoryError. System properties:
 * {@code child.chunk} (allocation unit in bytes; the burst writes four of them at a time),
 * {@code child.thresholds} (low,medium,high,critical for the burst), {@code child.debug}.
 */
public final class PressureChild {
    private static final int CHUNK = Integer.getInteger("child.chunk", 64 * 1024); // below G1's humongous size for any region size

    private static volatile Object sink;

    private PressureChild() {
    }

    public static void main(String[] args) throws Exception {
        try {
            switch (args[0]) {
                case "steps" -> steps();
                case "churn" -> churn();
                case "burst" -> burst();
                case "gcflag" -> gcFlag();
                case "events" -> events();
                case "youngburst" -> youngBurst();
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            }
        } catch (OutOfMemoryError e) {
            System.out.println("RESULT oom " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void listen(JvmMemoryGovernor g) {
        g.addListener((prev, cur, stats) -> {
            synchronized (System.out) {
                System.out.printf("CHANGE %s %s %.4f%n", prev, cur, stats.usageRatio());
            }
        });
    }

    /** Grows the live set through every band and shrinks it back, holding inside each hysteresis band. */
    private static void steps() throws InterruptedException {
        // Wide bands on a small heap: ZGC's page granularity moves the live estimate by a few MB.
        GovernorConfig config = GovernorConfig.builder()
                .thresholds(0.30, 0.45, 0.60, 0.75)
                .hysteresis(0.10)
                .minDwell(Duration.ofMillis(200))
                .samplerInterval(Duration.ofMillis(200))
                .minSamplerInterval(Duration.ofMillis(50))
                .autoGcLevel(null)
                .build();
        List<byte[]> live = new ArrayList<>();
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(config)) {
            listen(g);
            System.gc();
            Thread.sleep(300);
            long heapMax = g.heapMaxBytes();
            long baseline = g.stats().liveSetAfterGc();
            System.out.println("RESULT baseline " + baseline + " heapMax " + heapMax);
            double[] up = {0.34, 0.49, 0.64, 0.82};
            PressureLevel[] upLevels = {PressureLevel.LOW, PressureLevel.MEDIUM, PressureLevel.HIGH, PressureLevel.CRITICAL};
            for (int i = 0; i < up.length; i++) {
                resize(live, (long) (up[i] * heapMax) - baseline);
                // No explicit GC on the way up: the allocation churn of a working application
                // triggers the collections whose reports the governor reads.
                waitForLevelWithChurn(g, upLevels[i]);
                report(g, "up" + i, up[i]);
            }
            double[] down = {0.68, 0.53, 0.38, 0.23, 0.05};
            for (int i = 0; i < down.length; i++) {
                resize(live, Math.max(0, (long) (down[i] * heapMax) - baseline));
                // Reclaiming the old generation needs a marking cycle whose timing G1 and ZGC pick
                // by their own heuristics; a forced collection makes the step deterministic.
                System.gc();
                Thread.sleep(800);
                report(g, "down" + i, down[i]);
            }
        }
        sink = live;
    }

    private static void resize(List<byte[]> live, long targetBytes) {
        long have = (long) live.size() * CHUNK;
        while (have < targetBytes) {
            live.add(new byte[CHUNK]);
            have += CHUNK;
        }
        while (have - CHUNK >= targetBytes && !live.isEmpty()) {
            live.remove(live.size() - 1);
            have -= CHUNK;
        }
    }

    /**
     * Allocates garbage at a steady, moderate rate (about 256 MB/s) until the level is reached.
     * A tight allocation loop would make every concurrent ZGC cycle end with the heap full of
     * fresh garbage, which the estimate (rightly, conservatively) counts; see LiveSetEstimator.
     */
    private static void waitForLevelWithChurn(JvmMemoryGovernor g, PressureLevel wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (g.level() != wanted && System.nanoTime() < deadline) {
            for (int i = 0; i < 256; i++) {
                sink = new byte[1024];
            }
            Thread.sleep(1);
        }
    }

    private static void report(JvmMemoryGovernor g, String step, double target) {
        MemoryStats s = g.stats();
        System.out.printf("STEP %s %.2f %s %.4f %d%n", step, target, g.level(), s.usageRatio(), s.liveSetAfterGc());
    }

    /** A small live set and as much short-lived garbage as one thread can make for a few seconds. */
    private static void churn() {
        List<byte[]> live = new ArrayList<>();
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.defaults())) {
            listen(g);
            resize(live, g.heapMaxBytes() / 10);
            PressureLevel max = PressureLevel.NONE;
            long allocated = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < 1000; i++) {
                    int size = 512 + random.nextInt(32 * 1024);
                    sink = new byte[size];
                    allocated += size;
                }
                PressureLevel now = g.level();
                if (now.ordinal() > max.ordinal()) {
                    max = now;
                }
            }
            MemoryStats s = g.stats();
            System.out.println("RESULT allocated " + allocated);
            System.out.println("RESULT gcCycles " + s.gcCycles());
            System.out.println("RESULT maxLevel " + max);
            System.out.println("RESULT live " + s.liveSetAfterGc() + " heapMax " + s.heapMax());
        }
        sink = live;
    }

    /**
     * Writers that reserve before allocating and keep what they allocate: the heap fills until
     * reservations are refused; a refused writer drops part of its data and backs off. Must end
     * without OutOfMemoryError.
     */
    private static void burst() throws InterruptedException {
        List<byte[]> kept = new ArrayList<>();
        long refused = 0;
        long granted = 0;
        long maxLive = 0;
        MemoryPressureException sample = null;
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(configFromProperties())) {
            listen(g);
            for (int i = 0; i < 6000; i++) {
                try (MemoryGovernor.Reservation r = g.tryReserve(CHUNK * 4L)) {
                    kept.add(new byte[(int) r.bytes()]);
                    granted++;
                } catch (MemoryPressureException e) {
                    refused++;
                    if (sample == null) {
                        sample = e;
                    }
                    kept.subList(0, kept.size() / 4).clear();
                    Thread.sleep(20);
                }
                maxLive = Math.max(maxLive, (long) kept.size() * CHUNK * 4);
                if (Boolean.getBoolean("child.debug") && i % 20 == 0) {
                    MemoryStats st = g.stats();
                    System.out.println("DEBUG i=" + i + " keptMB=" + ((long) kept.size() * CHUNK * 4 >> 20) + " level=" + g.level()
                            + " ratio=" + st.usageRatio() + " live=" + (st.liveSetAfterGc() >> 20) + " heap=" + (st.heapUsed() >> 20) + " bind=" + st.bindingLimit() + " refused=" + refused);
                }
            }
            System.out.println("RESULT granted " + granted);
            System.out.println("RESULT refused " + refused);
            System.out.println("RESULT maxKept " + maxLive + " heapMax " + g.heapMaxBytes());
            if (sample != null) {
                System.out.println("RESULT sample " + sample.requestedBytes() + " " + sample.usedBytes() + " "
                        + sample.budgetBytes() + " " + sample.level());
            }
        }
        sink = kept;
    }

    /**
     * With the sampler effectively off (60 s), grows the live set with 2 MB arrays (humongous
     * under G1, so they go straight to the old generation and no young collection reports them)
     * at 100 MB/s until the MEDIUM threshold is crossed (LOW on the way), and reports how long the
     * listener took to hear of MEDIUM. Only the JVM's own notifications can tell the governor in time.
     */
    private static void events() throws InterruptedException {
        // Two G1 regions exactly (at 1 MB regions), so the heap's figure matches the array's size.
        final int ARRAY = (2 << 20) - 64;
        Duration sampler = Duration.ofSeconds(Long.getLong("child.samplerSeconds", 60));
        GovernorConfig config = GovernorConfig.builder()
                .samplerInterval(sampler).minSamplerInterval(sampler)
                .autoGcLevel(null).build();
        List<byte[]> live = new ArrayList<>();
        long[] heardAt = new long[1];
        long[] heardLowAt = new long[1];
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(config)) {
            g.addListener((prev, cur, stats) -> {
                synchronized (heardAt) {
                    if (heardLowAt[0] == 0 && cur.atLeast(PressureLevel.LOW)) {
                        heardLowAt[0] = System.nanoTime();
                    }
                    if (heardAt[0] == 0 && cur.atLeast(PressureLevel.MEDIUM)) {
                        heardAt[0] = System.nanoTime();
                    }
                }
                System.out.printf("CHANGE %s %s %.4f%n", prev, cur, stats.usageRatio());
            });
            System.gc();
            Thread.sleep(500);
            long heapMax = g.heapMaxBytes();
            long baseline = g.stats().liveSetAfterGc();
            long crossedAt = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                if (Boolean.getBoolean("child.debug")) {
                    MemoryStats st = g.stats();
                    System.out.println("DEBUG kept=" + ((long) live.size() * ARRAY >> 20) + " live=" + (st.liveSetAfterGc() >> 20)
                            + " heap=" + (st.heapUsed() >> 20) + " ratio=" + st.usageRatio() + " level=" + g.level());
                }
                synchronized (heardAt) {
                    if (heardAt[0] != 0) {
                        break;
                    }
                }
                if (crossedAt == 0) {
                    live.add(new byte[ARRAY]);
                    // Each array fills two regions, the unit G1 counts a humongous object in.
                    if (baseline + (long) live.size() * (2 << 20) >= 0.75 * heapMax) {
                        crossedAt = System.nanoTime();
                    }
                }
                Thread.sleep(20);
            }
            if (Boolean.getBoolean("child.debugEnd")) {
                for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.isUsageThresholdSupported() && pool.getName().contains("Old")) {
                        System.out.println("DEBUG pool " + pool.getName() + " used=" + pool.getUsage().getUsed()
                                + " threshold=" + pool.getUsageThreshold() + " count=" + pool.getUsageThresholdCount()
                                + " estimate=" + g.stats().liveSetAfterGc() + " level=" + g.level());
                    }
                }
            }
            System.out.println("RESULT crossed " + (crossedAt != 0));
            System.out.println("RESULT heardLow " + (heardLowAt[0] != 0));
            System.out.println("RESULT heard " + (heardAt[0] != 0));
            if (crossedAt != 0 && heardAt[0] != 0) {
                System.out.printf("RESULT latencyMs %.1f%n", (heardAt[0] - crossedAt) / 1e6);
            }
        }
        sink = live;
    }

    /**
     * A burst of retained 128 KiB arrays from an exact (full-collection) reading at 65 % of the heap to
     * 78 %, crossing MEDIUM; then a little garbage so young collections come. Reports how many major
     * collections had ended between the crossing and the listener call, read from the snapshot the
     * listener got (taken before any collection the governor asks for afterwards): 0 when the young
     * collection's reading was acted on, 1 or more when a confirming full collection came first.
     */
    private static void youngBurst() throws InterruptedException {
        final int ARRAY = 128 << 10;
        GovernorConfig config = GovernorConfig.builder().samplerInterval(Duration.ofSeconds(60))
                .minSamplerInterval(Duration.ofMillis(100)).build();
        List<byte[]> live = new ArrayList<>();
        long[] majorsAtNotice = {-1};
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(config)) {
            long heapMax = g.heapMaxBytes();
            System.gc();
            while ((long) live.size() * ARRAY < 0.65 * heapMax) {
                live.add(new byte[ARRAY]);
            }
            System.gc(); // the exact reading the burst starts from
            Thread.sleep(1500); // past the dwell
            System.out.println("RESULT startLevel " + g.level());
            g.addListener((prev, cur, stats) -> {
                if (cur.atLeast(PressureLevel.MEDIUM)) {
                    synchronized (majorsAtNotice) {
                        if (majorsAtNotice[0] < 0) {
                            majorsAtNotice[0] = majors(stats);
                            majorsAtNotice.notifyAll();
                        }
                    }
                }
                System.out.printf("CHANGE %s %s %.4f%n", prev, cur, stats.usageRatio());
            });
            long majorsBefore = majors(g.stats());
            while ((long) live.size() * ARRAY < 0.78 * heapMax) {
                live.add(new byte[ARRAY]);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Object[] ring = new Object[64];
            int i = 0;
            synchronized (majorsAtNotice) {
                while (majorsAtNotice[0] < 0 && System.nanoTime() < deadline) {
                    for (int k = 0; k < 256; k++) {
                        ring[i++ & 63] = new byte[16 << 10];
                    }
                    majorsAtNotice.wait(1);
                }
            }
            sink = ring;
            System.out.println("RESULT heard " + (majorsAtNotice[0] >= 0));
            System.out.println("RESULT majorsBetween " + (majorsAtNotice[0] - majorsBefore));
        }
        sink = live;
    }

    private static long majors(MemoryStats stats) {
        long n = 0;
        for (MemoryStats.CollectorStats c : stats.collectors()) {
            if (c.name().contains("Old")) {
                n += c.count();
            }
        }
        return n;
    }

    /** Defaults, or thresholds given as -Dchild.thresholds=low,medium,high,critical. */
    private static GovernorConfig configFromProperties() {
        String t = System.getProperty("child.thresholds");
        if (t == null) {
            return GovernorConfig.defaults();
        }
        String[] p = t.split(",");
        return GovernorConfig.builder()
                .thresholds(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
                        Double.parseDouble(p[3]))
                .build();
    }

    private static void gcFlag() {
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.defaults())) {
            System.out.println("RESULT effective " + g.explicitGcEffective());
            System.out.println("RESULT first " + g.requestGc());
            System.out.println("RESULT second " + g.requestGc());
            System.out.println("RESULT started " + g.gcRequestsStarted());
        }
    }
}
