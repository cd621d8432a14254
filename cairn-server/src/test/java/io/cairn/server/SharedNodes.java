package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import io.cairn.s3.S3ProxyFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The shared topology of the multi-node tests, all on 127.0.0.1: s3proxy, a real Redis Cluster
 * (three masters, with {@code replicas} replicas each) and two in-process Cairn nodes, A and B, with
 * {@code store = s3} on one bucket and prefix and {@code redis-cluster} on the cluster, each with a
 * disk cache of its own. Skipped with the reason where redis-server is not installed.
 */
final class SharedNodes implements AutoCloseable {
    final S3ProxyFixture s3;
    final RedisProcesses redis;
    final CairnServer a;
    final CairnServer b;
    private final Path dir;

    private SharedNodes(S3ProxyFixture s3, RedisProcesses redis, CairnServer a, CairnServer b, Path dir) {
        this.s3 = s3;
        this.redis = redis;
        this.a = a;
        this.b = b;
        this.dir = dir;
    }

    /** Starts everything; {@code tweak} adjusts both nodes' configuration. */
    static SharedNodes start(String prefix, int replicas, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        RedisProcesses.redisServer();
        Path dir = Files.createTempDirectory("cairn-" + prefix);
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        S3ProxyFixture s3 = null;
        RedisProcesses redis = null;
        CairnServer a = null;
        try {
            s3 = S3ProxyFixture.startNew();
            redis = RedisProcesses.cluster(replicas);
            a = CairnServer.start(node(dir, "a", prefix, s3, redis, tweak));
            CairnServer b = CairnServer.start(node(dir, "b", prefix, s3, redis, tweak));
            return new SharedNodes(s3, redis, a, b, dir);
        } catch (Exception | Error e) {
            new SharedNodes(s3, redis, a, null, dir).close();
            throw e;
        }
    }

    private static ServerConfig node(Path dir, String name, String prefix, S3ProxyFixture s3, RedisProcesses redis,
                                     UnaryOperator<ServerConfig.Builder> tweak) {
        Path data = dir.resolve(name);
        StringBuilder seeds = new StringBuilder();
        for (RedisProcesses.Node n : redis.nodes()) {
            seeds.append(seeds.isEmpty() ? "" : ",").append("127.0.0.1:").append(n.port());
        }
        return tweak.apply(ServerConfig.builder(data).gatewayPort(0).apiPort(0)
                .store(StoreType.S3).s3(new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, prefix, "us-east-1", true,
                        data.resolve("s3-cache"), 64L << 20))
                .redis(RedisConfig.defaults().withCluster(seeds.toString()))).build();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis, s3}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        try {
            ServerExtension.deleteTree(dir);
        } catch (java.io.IOException e) {
            System.err.println("removing " + dir + ": " + e);
        }
    }
}
