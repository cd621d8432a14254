package io.cairn.bench.multinode;

import io.cairn.bench.load.Percentiles;
import io.cairn.bench.load.Rounds;
import io.cairn.bench.load.Rounds.Round;
import io.cairn.bench.s3.S3ProxyProcess;
import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.redis.LettuceL2Store;
import io.cairn.redis.RedisBlockTier;
import io.cairn.redis.RedisTierOptions;
import io.cairn.s3.S3Blockstore;
import io.cairn.s3.S3Clients;
import io.cairn.s3.S3RequestCounter;
import io.cairn.s3.S3Settings;
import io.cairn.s3.S3StoreOptions;
import io.cairn.server.CairnServer;
import io.cairn.server.RedisConfig;
import io.cairn.server.S3StoreConfig;
import io.cairn.server.ServerConfig;
import io.cairn.server.StoreType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code cairn bench multinode}: the shared topology on 127.0.0.1 (s3proxy and one redis-server,
 * started here). First, reads served by each tier of the read path, on the same classes the server
 * stacks: the in-process content cache (L1, {@link CachingBlockstore}), Redis (L2,
 * {@link RedisBlockTier}) and S3 ({@link S3Blockstore}), alternating rounds so that load from
 * elsewhere falls on all three alike, with the S3 GETs and Redis hits of each round counted to show
 * which tier answered. Then a put flood over HTTP ({@code block/put}) against one Cairn node, and the
 * same flood spread over two nodes sharing the bucket and Redis (both in this JVM), alternating.
 */
@Command(name = "multinode", mixinStandardHelpOptions = true,
        description = "Reads through L1 / L2 (Redis) / S3 and a put flood on one node against two (s3proxy and redis-server started here).")
public final class MultinodeCommand implements Callable<Integer> {
    @Option(names = "--s3proxy-lib", description = "Directory of s3proxy's jars (default cairn-s3/s3proxy/target/lib).")
    Path lib = Path.of("cairn-s3", "s3proxy", "target", "lib");

    @Option(names = "--blocks", description = "Blocks read per round (default 300).")
    int blocks = 300;

    @Option(names = "--size", description = "Block size in bytes (default 16384).")
    int size = 16 * 1024;

    @Option(names = "--threads", description = "Concurrent readers, and concurrent uploaders in the flood (default 8).")
    int threads = 8;

    @Option(names = "--rounds", description = "Alternating rounds per measurement (default 4).")
    int rounds = 4;

    @Option(names = "--puts", description = "Uploads per flood round (default 600).")
    int puts = 600;

    private final AtomicInteger seed = new AtomicInteger();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cairn-bench-multinode");
        Files.createDirectories(dir.resolve("redis"));
        try (S3ProxyProcess s3 = S3ProxyProcess.start(lib, dir.resolve("s3proxy"));
             RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"))) {
            S3Settings settings = S3Settings.of(s3.endpoint(), "us-east-1", "bench", "reads", true);
            StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL));
            try (S3Client admin = S3Clients.build(settings, null, creds)) {
                admin.createBucket(b -> b.bucket("bench"));
            }
            System.out.printf(Locale.ROOT, "s3proxy 4.1.0 (filesystem backend) and redis-server %s on 127.0.0.1; %d-byte blocks,"
                    + " %d threads, %d alternating rounds%n%n", redisVersion(redis), size, threads, rounds);
            reads(settings, creds, redis);
            System.out.println();
            flood(s3.endpoint(), redis, dir);
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    private static String redisVersion(RedisServerProcess redis) {
        for (String line : redis.call(r -> r.info("server")).split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length());
            }
        }
        return "?";
    }

    private Block block(int size) {
        byte[] b = new byte[size];
        new Random(seed.incrementAndGet()).nextBytes(b);
        return Block.raw(b);
    }

    // ---- reads by tier --------------------------------------------------------------------------

    private void reads(S3Settings settings, StaticCredentialsProvider creds, RedisServerProcess redis) throws Exception {
        S3RequestCounter counter = new S3RequestCounter();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisTierOptions options = RedisTierOptions.defaults().withCommandTimeout(Duration.ofSeconds(2));
        try (S3Client client = S3Clients.build(settings, counter, creds)) {
            S3Blockstore s3 = S3Blockstore.over(client, counter, settings, S3StoreOptions.defaults());
            RedisBlockTier l2 = RedisBlockTier.over(s3, LettuceL2Store.connect(redis.endpoint(), options.commandTimeout()),
                    options, null, registry);
            CachingBlockstore l1 = CachingBlockstore.wrap(l2, CachingBlockstore.Options.defaults()
                    .withContentCacheBytes(Math.max(64L << 20, 2L * blocks * size)));
            try {
                List<Block> data = new ArrayList<>();
                for (int i = 0; i < blocks; i++) {
                    Block b = block(size);
                    s3.put(b);
                    data.add(b);
                }
                // Warm Redis (populated after a read, asynchronously) and the content cache.
                for (Block b : data) {
                    l2.get(b.cid());
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (redis.dbSize() < blocks && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                for (Block b : data) {
                    l1.get(b.cid());
                }
                String[] names = {"L1 (in-process cache)", "L2 (Redis)", "S3 (s3proxy)"};
                Blockstore[] tiers = {l1, l2, s3};
                List<List<Double>> lat = new ArrayList<>();
                double[] seconds = new double[3];
                long[] s3Gets = new long[3];
                long[] redisHits = new long[3];
                for (int k = 0; k < 3; k++) {
                    lat.add(new ArrayList<>());
                }
                for (int r = 0; r < rounds; r++) {
                    for (int j = 0; j < 3; j++) {
                        int k = (j + r) % 3; // rotate the order each round
                        List<Block> order = new ArrayList<>(data);
                        Collections.shuffle(order, new Random(r * 31L + k));
                        long gets0 = counter.count("get");
                        double hits0 = hits(registry);
                        Blockstore tier = tiers[k];
                        Round round = run(order.size(), i -> tier.get(order.get(i).cid()));
                        seconds[k] += round.seconds();
                        for (double v : round.latenciesMs()) {
                            lat.get(k).add(v);
                        }
                        s3Gets[k] += counter.count("get") - gets0;
                        redisHits[k] += (long) (hits(registry) - hits0);
                    }
                }
                System.out.println("| reads served by | reads | reads/s | p50 ms | p95 ms | p99 ms | max ms | S3 GETs | Redis hits |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                for (int k = 0; k < 3; k++) {
                    Percentiles p = Percentiles.of(lat.get(k));
                    System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.3f | %.3f | %.3f | %.1f | %d | %d |%n", names[k], p.count(),
                            p.count() / seconds[k], p.p50(), p.p95(), p.p99(), p.max(), s3Gets[k], redisHits[k]);
                }
            } finally {
                l1.close(); // closes the tier and its Redis client; the S3 client is closed below
            }
        }
    }

    private static double hits(SimpleMeterRegistry registry) {
        Counter c = registry.find("cairn.redis.requests").tag("op", "get").tag("outcome", "hit").counter();
        return c == null ? 0 : c.count();
    }

    // ---- the put flood --------------------------------------------------------------------------

    private void flood(URI s3Endpoint, RedisServerProcess redis, Path dir) throws Exception {
        System.setProperty("aws.accessKeyId", S3ProxyProcess.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyProcess.CREDENTIAL);
        List<CairnServer> nodes = new ArrayList<>();
        try {
            for (String name : List.of("a", "b")) {
                Path data = dir.resolve("node-" + name);
                nodes.add(CairnServer.start(ServerConfig.builder(data).gatewayPort(0).apiPort(0)
                        .store(StoreType.S3).s3(new S3StoreConfig(s3Endpoint, "bench", "flood", "us-east-1", true, null, 1L << 30))
                        .redis(RedisConfig.defaults().withStandalone(redis.uri()))
                        .build()));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI[] apis = {nodes.get(0).apiUri(), nodes.get(1).apiUri()};
            String[] names = {"one node (A)", "two nodes (A and B, alternating)"};
            List<List<Double>> lat = new ArrayList<>();
            double[] seconds = new double[2];
            long[] acknowledged = new long[2];
            long[] refused = new long[2];
            lat.add(new ArrayList<>());
            lat.add(new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < 2; j++) {
                    int k = (j + r) % 2;
                    List<byte[]> bodies = new ArrayList<>();
                    for (int i = 0; i < puts; i++) {
                        bodies.add(block(size).bytes());
                    }
                    AtomicLong ok = new AtomicLong();
                    AtomicLong bad = new AtomicLong();
                    int spread = k == 0 ? 1 : 2;
                    Round round = run(puts, i -> {
                        HttpResponse<byte[]> resp = put(http, apis[i % spread], bodies.get(i));
                        (resp.statusCode() == 200 ? ok : bad).incrementAndGet();
                    });
                    seconds[k] += round.seconds();
                    for (double v : round.latenciesMs()) {
                        lat.get(k).add(v);
                    }
                    acknowledged[k] += ok.get();
                    refused[k] += bad.get();
                }
            }
            System.out.println("| put flood (block/put over HTTP) | puts | acknowledged | not 200 | puts/s | p50 ms | p95 ms | p99 ms | max ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int k = 0; k < 2; k++) {
                Percentiles p = Percentiles.of(lat.get(k));
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f |%n", names[k], p.count(),
                        acknowledged[k], refused[k], p.count() / seconds[k], p.p50(), p.p95(), p.p99(), p.max());
            }
        } finally {
            for (CairnServer n : nodes) {
                n.close();
            }
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private static HttpResponse<byte[]> put(HttpClient http, URI api, byte[] data) {
        String boundary = "----cairn-bench-multinode";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(data);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            return http.send(HttpRequest.newBuilder(api.resolve("/api/v0/block/put"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- harness --------------------------------------------------------------------------------

    /** {@code ops} calls of {@code op(i)} on {@link #threads} threads. */
    private Round run(int ops, java.util.function.IntConsumer op) throws Exception {
        return Rounds.run(threads, ops, op);
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory; leave what cannot be removed
        }
    }
}
