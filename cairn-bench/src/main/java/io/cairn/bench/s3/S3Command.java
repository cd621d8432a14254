package io.cairn.bench.s3;

import io.cairn.bench.load.Percentiles;
import io.cairn.bench.load.Rounds;
import io.cairn.bench.load.Rounds.Round;
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

    @Option(names = "--rounds", description = "Alternating raw/Cairn rounds per measurement (default 6).")
    int rounds = 6;

    @Option(names = "--ops-4k", description = "Operations per round at 4 KiB (default 400).")
    int ops4k = 400;

    @Option(names = "--ops-256k", description = "Operations per round at 256 KiB (default 80).")
    int ops256k = 80;

    private final AtomicInteger seed = new AtomicInteger();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cairn-bench-s3");
        try (S3ProxyProcess s3 = S3ProxyProcess.start(lib, dir)) {
            S3Settings settings = S3Settings.of(s3.endpoint(), "us-east-1", "bench", "cairn", true);
            StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL));
            S3RequestCounter rawCounter = new S3RequestCounter();
            S3RequestCounter counter = new S3RequestCounter();
            try (S3Client raw = S3Clients.build(settings, rawCounter, creds);
                 S3Client client = S3Clients.build(settings, counter, creds)) {
                raw.createBucket(b -> b.bucket("bench"));
                S3Blockstore store = S3Blockstore.over(client, counter, settings, S3StoreOptions.defaults());
                System.out.printf(Locale.ROOT, "s3proxy 4.1.0 filesystem backend on 127.0.0.1, %d threads, %d alternating rounds%n%n",
                        threads, rounds);
                System.out.println("| size | op | raw SDK call | raw ops/s | S3Blockstore ops/s | ratio of totals | median ratio per round | raw p50 / p99 ms | S3Blockstore p50 / p99 ms |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                for (int size : new int[] {4096, 256 * 1024}) {
                    int ops = size == 4096 ? ops4k : ops256k;
                    compare(size, ops, raw, store, settings);
                }
                System.out.println();
                requestCosts(client, counter, settings);
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

    private Round run(int ops, IntConsumer op) throws Exception {
        return Rounds.run(threads, ops, op);
    }

    /** One way of doing an operation, for block {@code i} of a round's blocks. */
    private interface Variant {
        void apply(List<Block> blocks, int i);
    }

    /**
     * Alternates the variants over {@code rounds} rounds, the order rotating each round, each variant on
     * blocks of its own; returns per variant {ops/s, p50, p99, then the seconds of each round}. Rounds
     * of different variants that ran next to each other are compared pairwise (see {@link #row}), which
     * keeps bursts of load from elsewhere from deciding a ratio.
     */
    private double[][] measure(int size, int ops, Variant setup, Variant... variants) throws Exception {
        int v = variants.length;
        double[] seconds = new double[v];
        double[][] perRound = new double[v][rounds];
        List<List<double[]>> lat = new ArrayList<>();
        for (int k = 0; k < v; k++) {
            lat.add(new ArrayList<>());
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
                Round x = run(ops, i -> var.apply(bs, i));
                if (r >= 0) {
                    perRound[k][r] = x.seconds();
                    seconds[k] += x.seconds();
                    lat.get(k).add(x.latenciesMs());
                }
            }
        }
        double[][] out = new double[v][];
        for (int k = 0; k < v; k++) {
            Percentiles p = Percentiles.of(concat(lat.get(k)));
            out[k] = new double[3 + rounds];
            out[k][0] = (double) ops * rounds / seconds[k];
            out[k][1] = p.p50();
            out[k][2] = p.p99();
            System.arraycopy(perRound[k], 0, out[k], 3, rounds);
        }
        return out;
    }

    private void compare(int size, int ops, S3Client raw, S3Blockstore store, S3Settings settings) throws Exception {
        String label = size == 4096 ? "4 KiB" : "256 KiB";
        double[][] put = measure(size, ops, null,
                (bs, i) -> rawPut(raw, settings, "raw/", bs.get(i), false),
                (bs, i) -> rawPut(raw, settings, "raw-cond/", bs.get(i), true),
                (bs, i) -> store.put(bs.get(i)));
        row(label, "put", "PUT", put[0], put[2]);
        row(label, "put", "PUT If-None-Match: *", put[1], put[2]);
        // gets: every round's blocks are first stored both ways (untimed), then read back alternately
        double[][] g = measure(size, ops,
                (bs, i) -> {
                    rawPut(raw, settings, "raw/", bs.get(i), false);
                    store.put(bs.get(i));
                },
                (bs, i) -> rawGet(raw, settings, "raw/", bs.get(i)),
                (bs, i) -> store.get(bs.get(i).cid()));
        row(label, "get", "GET", g[0], g[1]);
    }

    /**
     * A table row: totals, the ratio of the totals, and the median of the per-round ratios (raw round
     * time over the Cairn round run next to it: above 1 means Cairn was faster).
     */
    private static void row(String size, String op, String rawCall, double[] raw, double[] cairn) {
        int n = raw.length - 3;
        double[] ratios = new double[n];
        for (int r = 0; r < n; r++) {
            ratios[r] = raw[3 + r] / cairn[3 + r];
        }
        Arrays.sort(ratios);
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f | %.2f× | %.2f× | %.1f / %.1f | %.1f / %.1f |%n",
                size, op, rawCall, raw[0], cairn[0], cairn[0] / raw[0], median, raw[1], raw[2], cairn[1], cairn[2]);
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

    private void requestCosts(S3Client client, S3RequestCounter counter, S3Settings settings) {
        S3Settings fresh = new S3Settings(settings.endpoint(), settings.region(), settings.bucket(), "costs", true,
                settings.callTimeout(), settings.attemptTimeout(), settings.maxAttempts(), settings.retryBase(),
                settings.retryMax(), settings.maxConnections());
        S3Blockstore a = S3Blockstore.over(client, counter, fresh, S3StoreOptions.defaults());
        S3Blockstore other = S3Blockstore.over(client, counter, fresh, S3StoreOptions.defaults());
        System.out.println("| Cairn operation | S3 requests |");
        System.out.println("|---|---|");
        int n = 200;
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block(4096));
        }
        cost(counter, "put of a new block", n, () -> blocks.forEach(a::put));
        cost(counter, "put of a block this node stored", n, () -> blocks.forEach(a::put));
        cost(counter, "has / getSize of a block this node stored", n, () -> blocks.forEach(b -> a.has(b.cid())));
        cost(counter, "get (no disk cache)", n, () -> blocks.forEach(b -> a.get(b.cid())));
        cost(counter, "has of a block another node stored, first time", n, () -> blocks.forEach(b -> other.has(b.cid())));
        cost(counter, "has of a block another node stored, again", n, () -> blocks.forEach(b -> other.has(b.cid())));
        List<Cid> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            missing.add(block(10).cid());
        }
        cost(counter, "has of a missing block, first time", n, () -> missing.forEach(a::has));
        cost(counter, "has of a missing block, again within 2 s", n, () -> missing.forEach(a::has));
        cost(counter, "put of a block another node stored (412)", n, () -> blocks.forEach(b -> {
            S3Blockstore third = S3Blockstore.over(client, counter, fresh, S3StoreOptions.defaults());
            third.put(b);
            third.close();
        }));
        cost(counter, "delete", n, () -> blocks.forEach(b -> a.delete(b.cid())));
        a.close();
        other.close();
    }

    private static void cost(S3RequestCounter counter, String what, int n, Runnable r) {
        java.util.Map<String, Long> before = counter.snapshot();
        r.run();
        java.util.Map<String, Long> after = counter.snapshot();
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
        System.out.printf(Locale.ROOT, "| %s | %s |%n", what, total == 0 ? "0" : sb);
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
        Round run() throws Exception;
    }

    private static void diskRow(String what, S3RequestCounter counter, int n, Measured m) throws Exception {
        long gets = counter.count("get");
        Round r = m.run();
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
