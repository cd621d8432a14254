package io.cairn.bench.load;

import com.fasterxml.jackson.databind.JsonNode;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.cid.Cid;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flood: many concurrent uploads (and a few readers of what was acknowledged) against a
 * small-heap server in a child JVM, then a check that every acknowledged block reads back with
 * the right bytes. While it runs, {@code /debug/memory} and {@code /health} are polled into a
 * timeline.
 */
public final class PressureRun {

    /**
     * @param heap            the child's -Xmx
     * @param maxMemory       the server's --max-memory (null: its default)
     * @param writers         concurrent uploaders
     * @param readers         concurrent readers of acknowledged blocks during the flood
     * @param blockBytes      bytes per uploaded block
     * @param flood           how long to flood
     * @param recoverTimeout  how long to wait for level 0 after the flood
     * @param sampleEvery     polling period of the timeline
     * @param workDir         the child's data directory, logs and GC log
     * @param jvmOptions      more options for the child JVM
     */
    public record Config(String heap, String maxMemory, int writers, int readers, int blockBytes, Duration flood,
                         Duration recoverTimeout, Duration sampleEvery, Path workDir, List<String> jvmOptions) {
        public Config {
            if (writers < 1 || readers < 0 || blockBytes < 1) {
                throw new IllegalArgumentException("need writers >= 1, readers >= 0, block bytes >= 1; got "
                        + writers + ", " + readers + ", " + blockBytes);
            }
        }
    }

    /**
     * What the flood showed. Times are milliseconds, -1 where the event did not happen.
     *
     * @param outOfMemoryErrors           OOM lines in the server's log (goal 0)
     * @param serverDied                  the server exited during the run
     * @param attempts                    uploads tried
     * @param acknowledged                uploads answered 200 with a CID
     * @param refused                     uploads answered 503 or 429
     * @param refused429                  of those, answered 429 (concurrency limit rather than memory)
     * @param refusedWithoutRetryAfter    of those, answered without Retry-After
     * @param otherStatuses               other statuses, by code
     * @param transportErrors             uploads that failed below HTTP (reset, timeout)
     * @param readsDuringFlood            reads of acknowledged blocks during the flood
     * @param failedReadsDuringFlood      of those, not 200
     * @param notRetrievable              acknowledged blocks missing or wrong afterwards (must be 0)
     * @param maxLevel                    highest level seen
     * @param levelAtFirstRefusal         the last sampled level when the first refusal came, -1 if none
     * @param criticalToFirstRefusalMs    from the first sample at level 4 to the first refusal
     * @param backToZeroMs                from the end of the flood to the first sample at level 0
     */
    public record Result(long outOfMemoryErrors, boolean serverDied, long attempts, long acknowledged, long refused,
                         long refused429, long refusedWithoutRetryAfter, Map<Integer, Long> otherStatuses, long transportErrors,
                         long readsDuringFlood, long failedReadsDuringFlood, long notRetrievable, long maxLevel,
                         long levelAtFirstRefusal, long criticalToFirstRefusalMs, long backToZeroMs, Timeline timeline) {

        public void print(PrintStream out) {
            out.printf("OutOfMemoryError in server log : %d (goal 0)%s%n", outOfMemoryErrors,
                    serverDied ? "  — SERVER DIED" : "");
            out.printf("uploads tried / acked / refused: %d / %d / %d (of the refused: %d were 429; %d lacked Retry-After)%n",
                    attempts, acknowledged, refused, refused429, refusedWithoutRetryAfter);
            out.printf("other statuses / transport err : %s / %d%n", otherStatuses, transportErrors);
            out.printf("reads during flood (failed)    : %d (%d)%n", readsDuringFlood, failedReadsDuringFlood);
            out.printf("acked but not retrievable      : %d (must be 0)%n", notRetrievable);
            out.printf("highest level seen             : %d%n", maxLevel);
            out.printf("CRITICAL -> first refusal      : %s%n", criticalToFirstRefusalMs != Long.MIN_VALUE
                    ? ms(criticalToFirstRefusalMs)
                    : refused == 0 ? "n/a (no refusal)"
                    : "n/a (level 4 never sampled; the first refusal came at sampled level " + levelAtFirstRefusal
                            + ": the per-write reservation refused before the level reached CRITICAL)");
            out.printf("flood end -> level 0           : %s%n", ms(backToZeroMs));
        }

        private static String ms(long v) {
            return v == Long.MIN_VALUE ? "n/a" : v + " ms";
        }
    }

    static final List<String> COLUMNS = List.of("level", "heap_used_mb", "live_after_gc_mb", "used_mb", "budget_mb",
            "cache_mb", "refusals_per_s", "acks_per_s", "reads_per_s");

    private final Config config;
    private final PrintStream log;

    public PressureRun(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    private record Acked(String cid, byte[] sha256) {
    }

    public Result run() throws IOException, InterruptedException {
        try (ChildServer server = ChildServer.start(config.workDir(), config.heap(), config.maxMemory(),
                config.jvmOptions(), Duration.ofSeconds(60))) {
            log.printf("server pid %d, api %s, gateway %s, heap %s, log %s%n", server.pid(), server.apiUri(),
                    server.gatewayUri(), config.heap(), server.log());
            Result result = flood(server);
            if (server.isAlive()) {
                // A clean stop answers SIGTERM with 143; 137 is a SIGKILL, in a memory cgroup usually
                // the kernel's OOM killer catching the shutdown's last allocations.
                server.close();
                int exit = server.exitValue();
                log.printf("server stopped by SIGTERM: exit %d%s%n", exit,
                        exit == 143 ? " (clean)" : exit == 137 ? " (SIGKILL: killed, e.g. by the kernel's OOM killer)" : "");
            }
            return result;
        }
    }

    private Result flood(ChildServer server) throws IOException, InterruptedException {
        CairnClient client = new CairnClient(server.apiUri(), server.gatewayUri());
        ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        List<Acked> readable = new CopyOnWriteArrayList<>();
        AtomicLong attempts = new AtomicLong();
        AtomicLong acks = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicLong noRetryAfter = new AtomicLong();
        AtomicLong tooMany = new AtomicLong();
        AtomicLong transport = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong failedReads = new AtomicLong();
        Map<Integer, AtomicLong> other = new ConcurrentHashMap<>();
        AtomicLong firstRefusalNanos = new AtomicLong(Long.MIN_VALUE);
        AtomicLong levelAtFirstRefusal = new AtomicLong(-1);
        AtomicBoolean stop = new AtomicBoolean();
        long t0 = System.nanoTime();

        Timeline timeline = new Timeline(COLUMNS);
        Sampler sampler = new Sampler(client, timeline, t0, refusals, acks, reads);
        Thread samplerThread = Thread.ofPlatform().daemon().name("pressure-sampler").start(() -> {
            while (!sampler.stopped) {
                sampler.sampleOnce();
                sleepQuietly(config.sampleEvery().toMillis());
            }
        });

        ExecutorService pool = Executors.newFixedThreadPool(config.writers() + config.readers());
        for (int w = 0; w < config.writers(); w++) {
            long seed = 0x5eed0000L + w;
            pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                MessageDigest sha = sha256();
                byte[] data = new byte[config.blockBytes()];
                while (!stop.get()) {
                    fill(rnd, data);
                    attempts.incrementAndGet();
                    try {
                        CairnClient.PutResult r = client.put(data);
                        if (r.acknowledged()) {
                            Acked a = new Acked(r.cid(), sha.digest(data));
                            acked.add(a);
                            if (readable.size() < 2048) {
                                readable.add(a);
                            }
                            acks.incrementAndGet();
                        } else if (r.status() == 503 || r.status() == 429) {
                            refusals.incrementAndGet();
                            if (r.status() == 429) {
                                tooMany.incrementAndGet();
                            }
                            if (firstRefusalNanos.compareAndSet(Long.MIN_VALUE, System.nanoTime())) {
                                levelAtFirstRefusal.set(sampler.lastLevel);
                            }
                            if (r.retryAfter() == null) {
                                noRetryAfter.incrementAndGet();
                            }
                            // a short pause: a flood, but not a busy loop on a server that said no
                            Thread.sleep(5);
                        } else {
                            other.computeIfAbsent(r.status(), s -> new AtomicLong()).incrementAndGet();
                        }
                    } catch (IOException e) {
                        transport.incrementAndGet();
                        Thread.sleep(5);
                    }
                }
                return null;
            });
        }
        for (int r = 0; r < config.readers(); r++) {
            long seed = 0x7eadL + r;
            pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                while (!stop.get()) {
                    if (readable.isEmpty()) {
                        Thread.sleep(10);
                        continue;
                    }
                    Acked a = readable.get(rnd.nextInt(readable.size()));
                    try {
                        reads.incrementAndGet();
                        if (client.getRaw(a.cid()).statusCode() != 200) {
                            failedReads.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failedReads.incrementAndGet();
                    }
                }
                return null;
            });
        }

        log.printf("flooding for %d s with %d writers x %d KiB blocks and %d readers ...%n",
                config.flood().toSeconds(), config.writers(), config.blockBytes() / 1024, config.readers());
        Thread.sleep(config.flood().toMillis());
        stop.set(true);
        pool.shutdown();
        if (!pool.awaitTermination(90, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        long floodEnd = System.nanoTime();
        log.printf("flood over: %d tried, %d acked, %d refused; waiting for level 0 (at most %d s) ...%n",
                attempts.get(), acks.get(), refusals.get(), config.recoverTimeout().toSeconds());

        long backToZero = Long.MIN_VALUE;
        long recoverDeadline = floodEnd + config.recoverTimeout().toNanos();
        while (System.nanoTime() < recoverDeadline && server.isAlive()) {
            OptionalLong level = currentLevel(client);
            if (level.isPresent() && level.getAsLong() == 0) {
                backToZero = (System.nanoTime() - floodEnd) / 1_000_000;
                break;
            }
            Thread.sleep(100);
        }
        // a little more timeline after recovery, to show the level staying down
        Thread.sleep(Math.min(3000, config.sampleEvery().toMillis() * 10));
        sampler.stopped = true;
        samplerThread.join(5000);

        boolean died = !server.isAlive();
        // A dead server cannot be asked; its store can. Every acknowledged write was on disk
        // (fsync before the answer), so a kill must not have lost any of them.
        long notRetrievable = died ? verifyOnDisk(server.dataDir(), new ArrayList<>(acked))
                : verify(client, new ArrayList<>(acked));

        long criticalAt = sampler.firstCriticalNanos;
        long firstRefusal = firstRefusalNanos.get();
        long criticalToRefusal = criticalAt == Long.MIN_VALUE || firstRefusal == Long.MIN_VALUE ? Long.MIN_VALUE
                : (firstRefusal - criticalAt) / 1_000_000;
        Map<Integer, Long> others = new TreeMap<>();
        other.forEach((k, v) -> others.put(k, v.get()));
        return new Result(server.outOfMemoryErrors(), died, attempts.get(), acks.get(), refusals.get(),
                tooMany.get(), noRetryAfter.get(), others, transport.get(), reads.get(), failedReads.get(), notRetrievable,
                sampler.maxLevel, levelAtFirstRefusal.get(), criticalToRefusal, backToZero, timeline);
    }

    /** Reads every acknowledged block from the dead server's flatfs directory; counts the missing or wrong. */
    private long verifyOnDisk(Path dataDir, List<Acked> all) {
        log.printf("the server died: verifying %d acknowledged blocks in its store on disk ...%n", all.size());
        long bad = 0;
        MessageDigest sha = sha256();
        try (FlatFsBlockstore store = FlatFsBlockstore.open(dataDir, FlatFsOptions.builder().build())) {
            for (Acked a : all) {
                try {
                    if (!Arrays.equals(sha.digest(store.get(Cid.parse(a.cid())).bytes()), a.sha256())) {
                        bad++;
                    }
                } catch (BlockNotFoundException e) {
                    bad++;
                }
            }
        }
        return bad;
    }

    /** Reads every acknowledged block back through the gateway; counts the missing or wrong. */
    private long verify(CairnClient client, List<Acked> all) throws InterruptedException {
        log.printf("verifying %d acknowledged blocks ...%n", all.size());
        AtomicLong bad = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (List<Acked> part : partition(all, 4)) {
            pool.submit(() -> {
                MessageDigest sha = sha256();
                for (Acked a : part) {
                    boolean ok = false;
                    for (int attempt = 0; attempt < 3 && !ok; attempt++) {
                        try {
                            HttpResponse<byte[]> r = client.getRaw(a.cid());
                            ok = r.statusCode() == 200 && Arrays.equals(sha.digest(r.body()), a.sha256());
                            if (!ok && r.statusCode() == 200) {
                                break; // wrong bytes: retrying will not fix it
                            }
                        } catch (IOException e) {
                            sleepQuietly(100);
                        }
                    }
                    if (!ok) {
                        bad.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        return bad.get();
    }

    private static OptionalLong currentLevel(CairnClient client) {
        try {
            return CairnClient.level(client.health());
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** Polls the server into the timeline; owned by one thread. */
    private static final class Sampler {
        private final CairnClient client;
        private final Timeline timeline;
        private final long t0;
        private final AtomicLong refusals;
        private final AtomicLong acks;
        private final AtomicLong reads;
        volatile boolean stopped;
        volatile long firstCriticalNanos = Long.MIN_VALUE;
        volatile long maxLevel = -1;
        volatile long lastLevel = -1;
        private long lastNanos;
        private long lastRefusals;
        private long lastAcks;
        private long lastReads;

        Sampler(CairnClient client, Timeline timeline, long t0, AtomicLong refusals, AtomicLong acks, AtomicLong reads) {
            this.client = client;
            this.timeline = timeline;
            this.t0 = t0;
            this.refusals = refusals;
            this.acks = acks;
            this.reads = reads;
            this.lastNanos = t0;
        }

        void sampleOnce() {
            JsonNode mem;
            JsonNode health;
            try {
                mem = client.debugMemory();
                health = client.health();
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
                return;
            }
            long now = System.nanoTime();
            OptionalLong l = CairnClient.level(health);
            if (l.isEmpty()) {
                l = CairnClient.level(mem);
            }
            long level = l.orElse(-1);
            if (level >= 4 && firstCriticalNanos == Long.MIN_VALUE) {
                firstCriticalNanos = now;
            }
            maxLevel = Math.max(maxLevel, level);
            lastLevel = level;
            double dt = Math.max(1e-3, (now - lastNanos) / 1e9);
            long r = refusals.get();
            long a = acks.get();
            long rd = reads.get();
            timeline.add((now - t0) / 1e9, level, mb(CairnClient.number(mem, "heapUsed")),
                    mb(CairnClient.number(mem, "liveSetAfterGc")), mb(CairnClient.number(mem, "usedBytes")),
                    mb(CairnClient.number(mem, "budgetBytes")), mb(CairnClient.cacheBytes(health, mem)),
                    (r - lastRefusals) / dt, (a - lastAcks) / dt, (rd - lastReads) / dt);
            lastNanos = now;
            lastRefusals = r;
            lastAcks = a;
            lastReads = rd;
        }

        private static double mb(long bytes) {
            return bytes < 0 ? -1 : bytes / (1024.0 * 1024.0);
        }
    }

    static void fill(SplittableRandom rnd, byte[] data) {
        for (int i = 0; i + 8 <= data.length; i += 8) {
            long v = rnd.nextLong();
            for (int b = 0; b < 8; b++) {
                data[i + b] = (byte) (v >>> (8 * b));
            }
        }
        for (int i = data.length & ~7; i < data.length; i++) {
            data[i] = (byte) rnd.nextInt();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    static <T> List<List<T>> partition(List<T> all, int parts) {
        List<List<T>> out = new ArrayList<>();
        int per = (all.size() + parts - 1) / Math.max(1, parts);
        for (int i = 0; i < all.size(); i += Math.max(1, per)) {
            out.add(all.subList(i, Math.min(all.size(), i + per)));
        }
        return out;
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static List<Timeline.PanelSpec> panels() {
        return List.of(
                new Timeline.PanelSpec("Degradation level (0 NONE .. 4 CRITICAL)", "level", List.of("level")),
                new Timeline.PanelSpec("Memory (MB)", "MB",
                        List.of("heap_used_mb", "live_after_gc_mb", "used_mb", "budget_mb", "cache_mb")),
                new Timeline.PanelSpec("Client-side rates", "per second",
                        List.of("refusals_per_s", "acks_per_s", "reads_per_s")));
    }
}
