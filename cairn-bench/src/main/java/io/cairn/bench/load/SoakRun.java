package io.cairn.bench.load;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long, paced, mixed get/put load against a server in a child JVM, sampling what a leak or a
 * GC problem would show: RSS, heap after GC, threads, open files and GC pauses. Growth is judged
 * after a warm-up, because the first minutes legitimately grow (JIT, caches filling, heap sizing).
 */
public final class SoakRun {

    /**
     * @param duration     total load time
     * @param warmup       growth is measured from the end of this
     * @param heap         the child's -Xmx
     * @param maxMemory    the server's --max-memory (null: its default)
     * @param threads      client threads
     * @param opsPerSecond target total rate (paced, so that the data directory stays small)
     * @param putFraction  share of operations that upload (the rest read acknowledged blocks)
     * @param maxBlock     uploads are uniform in 1 KiB .. maxBlock bytes
     * @param fixedBlock   when above 0, every upload is exactly this many bytes instead
     * @param sampleEvery  sampling period
     * @param serveOptions further {@code cairn serve} options, e.g. {@code --cache-size 1g}
     */
    public record Config(Duration duration, Duration warmup, String heap, String maxMemory, int threads,
                         int opsPerSecond, double putFraction, int maxBlock, int fixedBlock, Duration sampleEvery,
                         Path workDir, List<String> jvmOptions, List<String> serveOptions) {
        public Config {
            if (warmup.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("warm-up " + warmup + " must be shorter than the run " + duration);
            }
            if (threads < 1 || opsPerSecond < 1 || putFraction < 0 || putFraction > 1 || maxBlock < 1024) {
                throw new IllegalArgumentException("need threads >= 1, ops/s >= 1, 0 <= put fraction <= 1, max block >= 1024");
            }
        }
    }

    /**
     * @param growth        end minus warm-up value of each sampled resource (mean of 3 samples each side)
     * @param gcPauses      stop-the-world pauses after warm-up, ms
     * @param getLatencyMs  client-observed read latency
     * @param putLatencyMs  client-observed upload latency
     */
    public record Result(long gets, long puts, long failures, java.util.Map<String, Long> failuresByKind,
                         long outOfMemoryErrors, boolean serverDied,
                         Growth growth, Percentiles gcPauses, int gcPausesTotal, Percentiles getLatencyMs,
                         Percentiles putLatencyMs, Accounting accounting, Timeline timeline) {

        public void print(PrintStream out) {
            out.printf("operations: %d gets, %d puts, %d failed %s; OOM lines %d%s%n", gets, puts, failures,
                    failuresByKind, outOfMemoryErrors, serverDied ? " — SERVER DIED" : "");
            out.printf("growth after warm-up: RSS %+.1f MB, heap after GC %+.1f MB, threads %+.0f, open files %+.0f%n",
                    growth.rssMb(), growth.liveAfterGcMb(), growth.threads(), growth.openFds());
            out.printf("GC pauses after warm-up (%d): P50 %.2f ms, P95 %.2f ms, P99 %.2f ms, max %.2f ms (all run: %d pauses)%n",
                    gcPauses.count(), gcPauses.p50(), gcPauses.p95(), gcPauses.p99(), gcPauses.max(), gcPausesTotal);
            out.printf("get latency: P50 %.2f ms, P95 %.2f ms, P99 %.2f ms, max %.2f ms%n",
                    getLatencyMs.p50(), getLatencyMs.p95(), getLatencyMs.p99(), getLatencyMs.max());
            out.printf("put latency: P50 %.2f ms, P95 %.2f ms, P99 %.2f ms, max %.2f ms%n",
                    putLatencyMs.p50(), putLatencyMs.p95(), putLatencyMs.p99(), putLatencyMs.max());
            out.printf("goal RSS growth < 5 MB: %s; goal GC pause P95 < 50 ms: %s; GC pause P99 < 5 ms: %s%n",
                    growth.rssMb() < 5 ? "met" : "MISSED", gcPauses.count() == 0 || gcPauses.p95() < 50 ? "met" : "MISSED",
                    gcPauses.count() == 0 || gcPauses.p99() < 5 ? "met" : "MISSED");
            accounting.print(out);
        }
    }

    /**
     * Whether RSS is what Cairn accounts for: heap committed plus native memory (the off-heap
     * consumers the governor counts, the content cache's mapped regions, plus direct buffers) plus
     * a fixed overhead, the JVM's own (code, metaspace, thread stacks, GC structures): RSS minus the
     * other two at the end of warm-up (mean of 3 samples). After warm-up, each sample's RSS is
     * compared with that sum.
     *
     * @param fixedOverheadMb   the overhead so fixed
     * @param maxDeviation      largest |RSS - accounted| / RSS after warm-up (goal: at most 0.05)
     * @param nativeMbAtEnd     native memory accounted in the last sample (the cache filled to it)
     */
    public record Accounting(double fixedOverheadMb, double maxDeviation, double nativeMbAtEnd, double rssMbAtEnd,
                             double heapCommittedMbAtEnd) {
        void print(PrintStream out) {
            out.printf("RSS accounting: at the end RSS %.0f MB = heap committed %.0f + native %.0f + fixed %.0f MB"
                            + " (fixed: RSS - heap committed - native at the end of warm-up);"
                            + " largest deviation after warm-up %.1f %% (goal <= 5 %%: %s)%n",
                    rssMbAtEnd, heapCommittedMbAtEnd, nativeMbAtEnd, fixedOverheadMb, maxDeviation * 100,
                    maxDeviation <= 0.05 ? "met" : "MISSED");
        }
    }

    /** Resource growth between the end of warm-up and the end of the run. */
    public record Growth(double rssMb, double liveAfterGcMb, double threads, double openFds) {
    }

    static final List<String> COLUMNS = List.of("rss_mb", "heap_used_mb", "live_after_gc_mb", "threads", "open_fds",
            "gets_per_s", "puts_per_s", "failures_per_s", "heap_committed_mb", "native_mb");

    private final Config config;
    private final PrintStream log;

    public SoakRun(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    public Result run() throws IOException, InterruptedException {
        try (ChildServer server = ChildServer.start(config.workDir(), config.heap(), config.maxMemory(),
                config.jvmOptions(), config.serveOptions(), Duration.ofSeconds(60))) {
            log.printf("server pid %d, heap %s, GC log %s; %d min at %d ops/s (%.0f %% puts) ...%n", server.pid(),
                    config.heap(), server.gcLog(), config.duration().toMinutes(), config.opsPerSecond(),
                    config.putFraction() * 100);
            return soak(server);
        }
    }

    private Result soak(ChildServer server) throws IOException, InterruptedException {
        CairnClient client = new CairnClient(server.apiUri(), server.gatewayUri());
        List<String> cids = new CopyOnWriteArrayList<>();
        AtomicLong gets = new AtomicLong();
        AtomicLong puts = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        java.util.concurrent.ConcurrentHashMap<String, AtomicLong> kinds = new java.util.concurrent.ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Double> getLat = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> putLat = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        long t0 = System.nanoTime();
        Instant t0Instant = Instant.now();
        long periodNanos = 1_000_000_000L * config.threads() / config.opsPerSecond();

        ExecutorService pool = Executors.newFixedThreadPool(config.threads());
        for (int t = 0; t < config.threads(); t++) {
            long seed = 0x50a4L + t;
            pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                long next = System.nanoTime();
                while (!stop.get()) {
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    long start = System.nanoTime();
                    try {
                        if (cids.isEmpty() || rnd.nextDouble() < config.putFraction()) {
                            byte[] data = new byte[config.fixedBlock() > 0 ? config.fixedBlock()
                                    : 1024 + rnd.nextInt(config.maxBlock() - 1024 + 1)];
                            PressureRun.fill(rnd, data);
                            CairnClient.PutResult r = client.put(data);
                            putLat.add((System.nanoTime() - start) / 1e6);
                            if (r.acknowledged()) {
                                puts.incrementAndGet();
                                if (cids.size() < 20_000) {
                                    cids.add(r.cid());
                                }
                            } else {
                                failures.incrementAndGet();
                                kinds.computeIfAbsent("put " + r.status(), k -> new AtomicLong()).incrementAndGet();
                            }
                        } else {
                            // skewed towards recent uploads: the cache has something to do
                            int n = cids.size();
                            double u = rnd.nextDouble();
                            int idx = n - 1 - (int) (n * u * u * u);
                            int status = client.getRaw(cids.get(Math.max(0, idx))).statusCode();
                            getLat.add((System.nanoTime() - start) / 1e6);
                            if (status == 200) {
                                gets.incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                                kinds.computeIfAbsent("get " + status, k -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        kinds.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                }
                return null;
            });
        }

        Timeline timeline = new Timeline(COLUMNS);
        long end = t0 + config.duration().toNanos();
        long lastNanos = t0;
        long lastGets = 0;
        long lastPuts = 0;
        long lastFail = 0;
        while (System.nanoTime() < end && server.isAlive()) {
            Thread.sleep(Math.min(config.sampleEvery().toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            ProcStats ps = ProcStats.of(server.pid());
            JsonNode mem = null;
            try {
                mem = client.debugMemory();
            } catch (IOException e) {
                // leave the memory columns at -1 for this sample
            }
            double dt = (now - lastNanos) / 1e9;
            long g = gets.get();
            long p = puts.get();
            long f = failures.get();
            long nativeBytes = mem == null ? -1
                    : Math.max(0, CairnClient.cacheBytes(null, mem)) + Math.max(0, CairnClient.number(mem, "directBufferBytes"));
            timeline.add((now - t0) / 1e9, ps.rssBytes() / 1048576.0, mb(CairnClient.number(mem, "heapUsed")),
                    mb(CairnClient.number(mem, "liveSetAfterGc")), ps.threads(), ps.openFds(),
                    (g - lastGets) / dt, (p - lastPuts) / dt, (f - lastFail) / dt,
                    mb(CairnClient.number(mem, "heapCommitted")), mb(nativeBytes));
            lastNanos = now;
            lastGets = g;
            lastPuts = p;
            lastFail = f;
        }
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        boolean died = !server.isAlive();

        double warmupSeconds = config.warmup().toSeconds();
        Growth growth = new Growth(growth(timeline, "rss_mb", warmupSeconds),
                growth(timeline, "live_after_gc_mb", warmupSeconds), growth(timeline, "threads", warmupSeconds),
                growth(timeline, "open_fds", warmupSeconds));

        // GC log times are the child's uptime; shift the warm-up end onto that clock
        double childUptimeAtT0 = ProcessHandle.of(server.pid()).flatMap(h -> h.info().startInstant())
                .map(s -> Duration.between(s, t0Instant).toMillis() / 1000.0).orElse(0.0);
        List<GcLog.Event> events = GcLog.read(server.gcLog());
        List<Double> pauses = new ArrayList<>();
        int pausesTotal = 0;
        for (GcLog.Event e : events) {
            if (e.isPause()) {
                pausesTotal++;
                if (e.uptimeSeconds() >= childUptimeAtT0 + warmupSeconds) {
                    pauses.add(e.millis());
                }
            }
        }
        java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
        kinds.forEach((k, v) -> byKind.put(k, v.get()));
        return new Result(gets.get(), puts.get(), failures.get(), byKind, server.outOfMemoryErrors(), died, growth,
                Percentiles.of(pauses), pausesTotal, Percentiles.of(getLat), Percentiles.of(putLat),
                accounting(timeline, warmupSeconds), timeline);
    }

    /** See {@link Accounting}; samples whose memory figures are missing (-1) are skipped. */
    static Accounting accounting(Timeline t, double warmupSeconds) {
        double[] s = t.seconds();
        double[] rss = t.column("rss_mb");
        double[] heap = t.column("heap_committed_mb");
        double[] nat = t.column("native_mb");
        int first = 0;
        while (first < s.length && s[first] < warmupSeconds) {
            first++;
        }
        double fixed = 0;
        int n = 0;
        for (int i = first; i < s.length && n < 3; i++) {
            if (rss[i] >= 0 && heap[i] >= 0 && nat[i] >= 0) {
                fixed += rss[i] - heap[i] - nat[i];
                n++;
            }
        }
        if (n == 0) {
            return new Accounting(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        fixed /= n;
        double worst = 0;
        int last = -1;
        for (int i = first; i < s.length; i++) {
            if (rss[i] > 0 && heap[i] >= 0 && nat[i] >= 0) {
                worst = Math.max(worst, Math.abs(rss[i] - (heap[i] + nat[i] + fixed)) / rss[i]);
                last = i;
            }
        }
        return new Accounting(fixed, worst, nat[last], rss[last], heap[last]);
    }

    /** Mean of the last 3 samples minus the mean of the first 3 samples at or after warm-up. */
    static double growth(Timeline t, String column, double warmupSeconds) {
        double[] s = t.seconds();
        double[] v = t.column(column);
        int first = 0;
        while (first < s.length && s[first] < warmupSeconds) {
            first++;
        }
        if (s.length - first < 2) {
            return Double.NaN;
        }
        int w = Math.min(3, (s.length - first) / 2);
        double a = 0;
        double b = 0;
        for (int i = 0; i < w; i++) {
            a += v[first + i];
            b += v[s.length - 1 - i];
        }
        return (b - a) / w;
    }

    private static double mb(long bytes) {
        return bytes < 0 ? -1 : bytes / (1024.0 * 1024.0);
    }

    public static List<Timeline.PanelSpec> panels() {
        return List.of(
                new Timeline.PanelSpec("Memory (MB)", "MB", List.of("rss_mb", "heap_used_mb", "live_after_gc_mb",
                        "heap_committed_mb", "native_mb")),
                new Timeline.PanelSpec("Threads and open files", "count", List.of("threads", "open_fds")),
                new Timeline.PanelSpec("Client-side rates", "per second",
                        List.of("gets_per_s", "puts_per_s", "failures_per_s")));
    }
}
