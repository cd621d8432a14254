package io.cairn.bench.s3;

import io.cairn.bench.load.Percentiles;
import io.cairn.bench.load.Rounds;
import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.cid.Cid;
import io.cairn.cid.Multibase;
import io.cairn.s3.S3Blockstore;
import io.cairn.s3.S3Clients;
import io.cairn.s3.S3DiskCache;
import io.cairn.s3.S3RequestCounter;
import io.cairn.s3.S3Settings;
import io.cairn.s3.S3StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * {@code cairn bench s3}: put/get throughput and latency through {@link S3Blockstore} against raw SDK
 * calls on the same s3proxy, S3 requests per Cairn operation, and the effect of the local disk cache.
 * Raw and Cairn rounds alternate, so that load from elsewhere on the machine falls on both alike.
 */
@Command(name = "s3", mixinStandardHelpOptions = true,
        description = "S3Blockstore vs raw AWS SDK calls on one s3proxy (started here): throughput, latency, requests per op.")
public final class S3Command implements Callable<Integer> {
    @Option(names = "--s3proxy-lib", description = "Directory of s3proxy's jars (default cairn-s3/s3proxy/target/lib).")
    Path lib = Path.of("cairn-s3", "s3proxy", "target", "lib");

    @Option(names = "--threads", description = "Concurrent callers (default 8).")
    int threads = 8;

    @Option(names = "--rounds", description = "Alternating raw/Cairn rounds per measurement (default 5).")
    int rounds = 5;

    @Option(names = "--ops-4k", description = "Operations per round at 4 KiB (default 240).")
    int ops4k = 240;

    @Option(names = "--ops-256k", description = "Operations per round at 256 KiB (default 120).")
    int ops256k = 120;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** The s3proxy under test, whose CPU time is read around every round. */
    private S3ProxyProcess server;

    private final AtomicInteger seed = new AtomicInteger();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cairn-bench-s3");
        try (S3ProxyProcess s3 = S3ProxyProcess.start(lib, dir)) {
            server = s3;
            S3Settings settings = S3Settings.of(s3.endpoint(), "us-east-1", "bench", "cairn", true);
            StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL));
            S3RequestCounter rawCounter = new S3RequestCounter();
            S3RequestCounter counter = new S3RequestCounter();
            S3RequestCounter defaultsCounter = new S3RequestCounter();
            try (S3Client raw = S3Clients.build(settings, rawCounter, creds);
                 S3Client client = S3Clients.build(settings, counter, creds);
                 S3Client defaults = S3Client.builder().endpointOverride(settings.endpoint())
                         .region(software.amazon.awssdk.regions.Region.of(settings.region())).credentialsProvider(creds)
                         .forcePathStyle(true).overrideConfiguration(o -> o.addExecutionInterceptor(defaultsCounter)).build()) {
                raw.createBucket(b -> b.bucket("bench"));
                S3Blockstore store = S3Blockstore.over(client, counter, settings, S3StoreOptions.defaults());
                System.out.printf(Locale.ROOT, "s3proxy 4.1.0 filesystem backend on 127.0.0.1, %d threads, %d alternating rounds%n%n",
                        threads, rounds);
                System.out.println("| size | variant | ops/s (mean ± 95 % CI over rounds) | p50 / p99 ms | CPU µs/op, calling threads "
                        + "| CPU µs/op, bench JVM | CPU µs/op, s3proxy | allocated KiB/op | S3 requests/op |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                List<String> ratios = new ArrayList<>();
                for (int size : new int[] {4096, 256 * 1024}) {
                    int ops = size == 4096 ? ops4k : ops256k;
                    compare(size, ops, new RawClient(raw, rawCounter), new RawClient(defaults, defaultsCounter), store, counter,
                            settings, ratios);
                }
                System.out.println();
                System.out.println("| size, op | Cairn vs raw | throughput ratio, median [min–max] of rounds "
                        + "| CPU ratio (raw/Cairn), median [min–max] | CPU ratio of means | CPU difference per op "
                        + "| machine CPU ratio of means (bench JVM + s3proxy) |");
                System.out.println("|---|---|---|---|---|---|---|");
                ratios.forEach(System.out::println);
                System.out.println();
                requestCosts(client, counter, settings, dir);
                System.out.println();
                diskCache(client, counter, settings, dir);
            }
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    private Block block(int size) {
        byte[] b = new byte[size];
        new Random(seed.incrementAndGet()).nextBytes(b);
        return Block.raw(b);
    }

    private Rounds.Round run(int ops, IntConsumer op) throws Exception {
        return Rounds.run(threads, ops, op);
    }

    /** One way of doing an operation on block {@code i} of a round's blocks, and the counter of its client. */
    private record Variant(String name, S3RequestCounter counter, BiIntConsumer op) {
    }

    private interface BiIntConsumer {
        void apply(List<Block> blocks, int i);
    }

    /** What {@link #measure} found for one variant, per counted round. */
    private record Result(String name, double[] opsPerSec, double[] cpuMicrosPerOp, double[] processCpuMicrosPerOp,
                          double[] serverCpuMicrosPerOp, double[] allocKibPerOp, double[] latenciesMs,
                          Map<String, Double> requestsPerOp) {
        /** CPU per operation on the whole machine for this work: the bench JVM's threads and s3proxy's, mean over rounds. */
        double machineCpuMicrosPerOp() {
            return mean(processCpuMicrosPerOp) + mean(serverCpuMicrosPerOp);
        }
    }

    private static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElse(Double.NaN);
    }

    /**
     * Alternates the variants over {@code rounds} rounds, the order rotating each round, each variant on
     * blocks of its own (made, and for gets stored by {@code setup}, before the round and untimed). Rounds
     * of different variants that ran next to each other are compared pairwise (see {@link #ratioRow}),
     * which keeps bursts of load from elsewhere from deciding a ratio.
     */
    private List<Result> measure(int size, int ops, BiIntConsumer setup, Variant... variants) throws Exception {
        int v = variants.length;
        double[][] opsPerSec = new double[v][rounds];
        double[][] cpu = new double[v][rounds];
        double[][] processCpu = new double[v][rounds];
        double[][] serverCpu = new double[v][rounds];
        double[][] alloc = new double[v][rounds];
        List<List<double[]>> lat = new ArrayList<>();
        List<Map<String, Long>> requests = new ArrayList<>();
        for (int k = 0; k < v; k++) {
            lat.add(new ArrayList<>());
            requests.add(new java.util.TreeMap<>());
        }
        for (int r = -1; r < rounds; r++) { // round -1 warms up (JIT, connections) and is not counted
            List<List<Block>> blocks = new ArrayList<>();
            for (int k = 0; k < v; k++) {
                List<Block> bs = new ArrayList<>();
                for (int i = 0; i < ops; i++) {
                    bs.add(block(size));
                }
                blocks.add(bs);
                if (setup != null) {
                    for (int i = 0; i < ops; i++) {
                        setup.apply(bs, i);
                    }
                }
            }
            for (int j = 0; j < v; j++) {
                int k = Math.floorMod(j + r, v);
                List<Block> bs = blocks.get(k);
                Variant var = variants[k];
                Map<String, Long> before = var.counter.snapshot();
                long process0 = OS.getProcessCpuTime();
                long server0 = server.cpuNanos();
                Rounds.Round x = run(ops, i -> var.op.apply(bs, i));
                long process1 = OS.getProcessCpuTime();
                long server1 = server.cpuNanos();
                Map<String, Long> after = var.counter.snapshot();
                if (r >= 0) {
                    opsPerSec[k][r] = ops / x.seconds();
                    cpu[k][r] = x.cpuNanos() / 1e3 / ops;
                    processCpu[k][r] = (process1 - process0) / 1e3 / ops;
                    serverCpu[k][r] = (server1 - server0) / 1e3 / ops;
                    alloc[k][r] = x.allocatedBytes() / 1024.0 / ops;
                    lat.get(k).add(x.latenciesMs());
                    Map<String, Long> req = requests.get(k);
                    after.forEach((op, n) -> {
                        long d = n - before.getOrDefault(op, 0L);
                        if (d > 0) {
                            req.merge(op, d, Long::sum);
                        }
                    });
                }
            }
        }
        List<Result> out = new ArrayList<>();
        for (int k = 0; k < v; k++) {
            Map<String, Double> perOp = new java.util.TreeMap<>();
            requests.get(k).forEach((op, n) -> perOp.put(op, n / (double) (ops * rounds)));
            out.add(new Result(variants[k].name, opsPerSec[k], cpu[k], processCpu[k], serverCpu[k], alloc[k],
                    concat(lat.get(k)), perOp));
        }
        return out;
    }

    /** An S3 client for raw calls and its request counter. */
    private record RawClient(S3Client client, S3RequestCounter counter) {
    }

    private void compare(int size, int ops, RawClient rawClient, RawClient defaultClient, S3Blockstore store,
                         S3RequestCounter counter, S3Settings settings, List<String> ratios) throws Exception {
        String label = size == 4096 ? "4 KiB" : "256 KiB";
        S3Client raw = rawClient.client;
        S3RequestCounter rawCounter = rawClient.counter;
        List<Result> put = measure(size, ops, null,
                new Variant("raw PUT", rawCounter, (bs, i) -> rawPut(raw, settings, "raw/", bs.get(i), false)),
                new Variant("raw PUT If-None-Match: *", rawCounter, (bs, i) -> rawPut(raw, settings, "raw-cond/", bs.get(i), true)),
                new Variant("raw PUT If-None-Match: *, SDK's default client", defaultClient.counter,
                        (bs, i) -> rawPut(defaultClient.client, settings, "raw-default/", bs.get(i), true)),
                new Variant("S3Blockstore.put", counter, (bs, i) -> store.put(bs.get(i))),
                new Variant("S3Blockstore.put, unverified block", counter,
                        (bs, i) -> store.put(Block.of(bs.get(i).cid(), bs.get(i).bytes()))),
                new Variant("raw PUT If-None-Match: *, Expect: 100-continue", rawCounter,
                        (bs, i) -> rawPutAwaitingContinue(raw, settings, "raw-continue/", bs.get(i))));
        put.forEach(m -> row(label, m));
        ratios.add(ratioRow(label + " put", put.get(3), put.get(1)));
        ratios.add(ratioRow(label + " put", put.get(3), put.get(0)));
        ratios.add(ratioRow(label + " put (unverified block)", put.get(4), put.get(1)));
        ratios.add(ratioRow(label + " put", put.get(3), put.get(2)));
        ratios.add(ratioRow(label + " put, raw", put.get(1), put.get(5)));
        // gets: every round's blocks are first stored both ways (untimed), then read back alternately
        List<Result> get = measure(size, ops,
                (bs, i) -> {
                    rawPut(raw, settings, "raw/", bs.get(i), false);
                    store.put(bs.get(i));
                },
                new Variant("raw GET", rawCounter, (bs, i) -> rawGet(raw, settings, "raw/", bs.get(i))),
                new Variant("raw GET, SDK's default client", defaultClient.counter,
                        (bs, i) -> rawGet(defaultClient.client, settings, "raw/", bs.get(i))),
                new Variant("S3Blockstore.get", counter, (bs, i) -> store.get(bs.get(i).cid())));
        get.forEach(m -> row(label, m));
        ratios.add(ratioRow(label + " get", get.get(2), get.get(0)));
        ratios.add(ratioRow(label + " get", get.get(2), get.get(1)));
    }

    /** Mean and half-width of its 95 % confidence interval (Student's t over the rounds). */
    private static String meanCi(double[] xs, String format) {
        int n = xs.length;
        double mean = Arrays.stream(xs).average().orElse(Double.NaN);
        if (n < 2) {
            return String.format(Locale.ROOT, format, mean);
        }
        double var = Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
        double half = t975(n - 1) * Math.sqrt(var / n);
        return String.format(Locale.ROOT, format + " ± " + format, mean, half);
    }

    /** The 97.5 % quantile of Student's t with {@code df} degrees of freedom. */
    private static double t975(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
        return df <= t.length ? t[df - 1] : df <= 30 ? 2.042 : 1.96;
    }

    private static String median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        double m = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", m, s[0], s[n - 1]);
    }

    /** A variant's row: ops/s, latency, CPU and allocation of the calling threads, requests sent. */
    private static void row(String size, Result m) {
        Percentiles p = Percentiles.of(m.latenciesMs);
        StringBuilder req = new StringBuilder();
        m.requestsPerOp.forEach((op, n) -> req.append(req.isEmpty() ? "" : " + ")
                .append(String.format(Locale.ROOT, "%.2f %s", n, op.toUpperCase(Locale.ROOT))));
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f / %.1f | %s | %s | %s | %s | %s |%n", size, m.name,
                meanCi(m.opsPerSec, "%.0f"), p.p50(), p.p99(), meanCi(m.cpuMicrosPerOp, "%.0f"),
                meanCi(m.processCpuMicrosPerOp, "%.0f"), meanCi(m.serverCpuMicrosPerOp, "%.0f"),
                meanCi(m.allocKibPerOp, "%.1f"), req.isEmpty() ? "0" : req);
    }

    /**
     * Cairn against a raw call, round by round: throughput (raw round time over the Cairn round next to
     * it, so above 1 means Cairn was faster) and CPU per operation (raw CPU over Cairn CPU, likewise).
     */
    private static String ratioRow(String what, Result cairn, Result raw) {
        int n = cairn.opsPerSec.length;
        double[] thr = new double[n];
        double[] cpu = new double[n];
        for (int r = 0; r < n; r++) {
            thr[r] = cairn.opsPerSec[r] / raw.opsPerSec[r];
            cpu[r] = raw.cpuMicrosPerOp[r] / cairn.cpuMicrosPerOp[r];
        }
        double cairnCpu = mean(cairn.cpuMicrosPerOp);
        double rawCpu = mean(raw.cpuMicrosPerOp);
        return String.format(Locale.ROOT, "| %s | %s vs %s | %s | %s | %.2f× | %+.0f µs | %.2f× (%+.0f µs) |", what, cairn.name,
                raw.name, median(thr), median(cpu), rawCpu / cairnCpu, cairnCpu - rawCpu,
                raw.machineCpuMicrosPerOp() / cairn.machineCpuMicrosPerOp(),
                cairn.machineCpuMicrosPerOp() - raw.machineCpuMicrosPerOp());
    }

    private static double[] concat(List<double[]> parts) {
        return parts.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    /** The plain SDK calls an application would make: PUT the bytes, GET them back. */
    private static void rawPut(S3Client raw, S3Settings s, String prefix, Block b, boolean conditional) {
        String key = key(prefix, b);
        if (conditional) {
            raw.putObject(r -> r.bucket(s.bucket()).key(key).ifNoneMatch("*"), RequestBody.fromBytes(b.bytes()));
        } else {
            raw.putObject(r -> r.bucket(s.bucket()).key(key), RequestBody.fromBytes(b.bytes()));
        }
    }

    /**
     * The conditional PUT as every upload was sent before {@link S3Clients} turned the Apache client's own
     * expect-continue off: the head first, the body only after the server's {@code 100 Continue}.
     */
    private static void rawPutAwaitingContinue(S3Client raw, S3Settings s, String prefix, Block b) {
        raw.putObject(r -> r.bucket(s.bucket()).key(key(prefix, b)).ifNoneMatch("*")
                .overrideConfiguration(o -> o.putHeader("Expect", "100-continue")), RequestBody.fromBytes(b.bytes()));
    }

    private static void rawGet(S3Client raw, S3Settings s, String prefix, Block b) {
        ResponseBytes<GetObjectResponse> bytes = raw.getObject(r -> r.bucket(s.bucket()).key(key(prefix, b)),
                ResponseTransformer.toBytes());
        if (bytes.asByteArrayUnsafe().length != b.size()) {
            throw new IllegalStateException("short read");
        }
    }

    /**
     * The raw calls use the same object layout as S3Blockstore (flatfs's next-to-last/2 shard under a
     * prefix), so that both put the same load on the server's directories.
     */
    private static String key(String prefix, Block b) {
        String k = Multibase.BASE32UPPER.encodeRaw(b.cid().multihash().toBytes());
        return prefix + k.substring(k.length() - 3, k.length() - 1) + "/" + k + ".data";
    }

    /**
     * S3 requests per Cairn operation, exact counts from the client's request counter, without and with
     * the local disk cache (each "node" a store of its own over the same prefix; with the cache, each its
     * own cache directory).
     */
    private void requestCosts(S3Client client, S3RequestCounter counter, S3Settings settings, Path dir) throws Exception {
        List<String[]> without = costs(client, counter, settings, "costs", null);
        List<String[]> with = costs(client, counter, settings, "costs-disk", dir.resolve("costs-cache"));
        System.out.println("| Cairn operation (200 each, 4 KiB blocks) | S3 requests per operation, no disk cache | with s3-cache-dir |");
        System.out.println("|---|---|---|");
        for (int i = 0; i < without.size(); i++) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", without.get(i)[0], without.get(i)[1], with.get(i)[1]);
        }
    }

    private List<String[]> costs(S3Client client, S3RequestCounter counter, S3Settings settings, String prefix, Path cacheDir)
            throws Exception {
        S3Settings fresh = new S3Settings(settings.endpoint(), settings.region(), settings.bucket(), prefix, true,
                settings.callTimeout(), settings.attemptTimeout(), settings.maxAttempts(), settings.retryBase(),
                settings.retryMax(), settings.maxConnections());
        AtomicInteger nodes = new AtomicInteger();
        // the nodes' clock only moves when told: the counts below do not depend on how fast the machine is
        SteppedClock clock = new SteppedClock();
        java.util.function.Supplier<S3Blockstore> node = () -> {
            S3StoreOptions.Builder o = S3StoreOptions.builder().clock(clock);
            if (cacheDir != null) {
                o.diskCache(S3DiskCache.open(cacheDir.resolve("node-" + nodes.incrementAndGet()), 64L << 20, BlockSizeLimit.DEFAULT));
            }
            return S3Blockstore.over(client, counter, fresh, o.build());
        };
        List<String[]> rows = new ArrayList<>();
        int n = 200;
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block(4096));
        }
        List<Cid> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            missing.add(block(10).cid());
        }
        try (S3Blockstore a = node.get(); S3Blockstore other = node.get(); S3Blockstore third = node.get()) {
            cost(rows, counter, "put of a new block", n, () -> blocks.forEach(a::put));
            cost(rows, counter, "put of a block this node stored", n, () -> blocks.forEach(a::put));
            cost(rows, counter, "has / getSize of a block this node stored", n, () -> blocks.forEach(b -> a.getSize(b.cid())));
            cost(rows, counter, "get of a block this node stored", n, () -> blocks.forEach(b -> a.get(b.cid())));
            cost(rows, counter, "get of a block another node stored, first time", n, () -> blocks.forEach(b -> other.get(b.cid())));
            cost(rows, counter, "get of it again", n, () -> blocks.forEach(b -> other.get(b.cid())));
            cost(rows, counter, "has of a block another node stored, first time", n, () -> blocks.forEach(b -> third.has(b.cid())));
            cost(rows, counter, "has of it again", n, () -> blocks.forEach(b -> third.has(b.cid())));
            cost(rows, counter, "has of a missing block, first time", n, () -> missing.forEach(a::has));
            cost(rows, counter, "has of a missing block, again within 2 s", n, () -> missing.forEach(a::has));
            clock.advance(java.time.Duration.ofMillis(2_100));
            cost(rows, counter, "has of a missing block, again after 2 s", n, () -> missing.forEach(a::has));
            cost(rows, counter, "put of a block another node stored (412)", n, () -> blocks.forEach(b -> {
                try (S3Blockstore late = node.get()) {
                    late.put(b);
                }
            }));
            cost(rows, counter, "delete", n, () -> blocks.forEach(b -> a.delete(b.cid())));
        }
        return rows;
    }

    /** A clock that moves only when {@link #advance} is called. */
    private static final class SteppedClock extends java.time.Clock {
        private volatile java.time.Instant now = java.time.Instant.now();

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    private static void cost(List<String[]> rows, S3RequestCounter counter, String what, int n, Runnable r) {
        Map<String, Long> before = counter.snapshot();
        r.run();
        Map<String, Long> after = counter.snapshot();
        StringBuilder sb = new StringBuilder();
        long total = 0;
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                sb.append(sb.isEmpty() ? "" : " + ").append(String.format(Locale.ROOT, "%.2f %s", d / (double) n,
                        e.getKey().toUpperCase(Locale.ROOT)));
                total += d;
            }
        }
        rows.add(new String[] {what, total == 0 ? "0" : sb.toString()});
    }

    private void diskCache(S3Client client, S3RequestCounter counter, S3Settings settings, Path dir) throws Exception {
        S3Settings s = new S3Settings(settings.endpoint(), settings.region(), settings.bucket(), "disk", true,
                settings.callTimeout(), settings.attemptTimeout(), settings.maxAttempts(), settings.retryBase(),
                settings.retryMax(), settings.maxConnections());
        int n = 400;
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block(64 * 1024));
        }
        try (S3Blockstore writer = S3Blockstore.over(client, counter, s, S3StoreOptions.defaults())) {
            writer.putMany(blocks);
        }
        System.out.println("| 64 KiB gets, working set " + n + " blocks (25 MiB) | ops/s | p50 / p99 ms | S3 GETs per get |");
        System.out.println("|---|---|---|---|");
        S3DiskCache cache = S3DiskCache.open(dir.resolve("disk-cache"), 64L << 20, BlockSizeLimit.DEFAULT);
        try (S3Blockstore without = S3Blockstore.over(client, counter, s, S3StoreOptions.defaults());
             S3Blockstore with = S3Blockstore.over(client, counter, s, S3StoreOptions.builder().diskCache(cache).build())) {
            run(n, i -> with.get(blocks.get(i).cid())); // fills the disk cache
            for (int r = 0; r < 3; r++) {
                diskRow("no disk cache (every get goes to S3)", counter, n, () -> run(n, i -> without.get(blocks.get(i).cid())));
                diskRow("s3-cache-dir, 64 MiB (warm)", counter, n, () -> run(n, i -> with.get(blocks.get(i).cid())));
            }
        }
    }

    private interface Measured {
        Rounds.Round run() throws Exception;
    }

    private static void diskRow(String what, S3RequestCounter counter, int n, Measured m) throws Exception {
        long gets = counter.count("get");
        Rounds.Round r = m.run();
        Percentiles p = Percentiles.of(r.latenciesMs());
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f / %.2f | %.2f |%n", what, n / r.seconds(), p.p50(), p.p99(),
                (counter.count("get") - gets) / (double) n);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
