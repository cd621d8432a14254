package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node A (a child JVM, {@code cairn serve} with {@code store = s3} and {@code redis}) is killed with
 * SIGKILL in the middle of a flood of block puts; every put A acknowledged is then readable, byte for
 * byte, from node B (in process, same bucket and Redis).
 */
class NodeKilledDuringFloodTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedBlockIsReadableFromTheOtherNode() throws Exception {
        RedisProcesses.redisServer();
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        try (S3ProxyFixture s3 = S3ProxyFixture.startNew(); RedisProcesses redis = RedisProcesses.standalone()) {
            String redisUri = "redis://127.0.0.1:" + redis.port();
            ServerConfig configB = ServerConfig.defaults(dir.resolve("b")).withPorts(0, 0)
                    .withStore(StoreType.S3, new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, "flood", "us-east-1", true, null, 0))
                    .withRedis(RedisConfig.defaults().withStandalone(redisUri));
            Map<String, byte[]> acked = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            try (ChildServer a = new ChildServer(dir.resolve("a"),
                    List.of("-Xmx256m", "-Daws.accessKeyId=" + S3ProxyFixture.IDENTITY,
                            "-Daws.secretAccessKey=" + S3ProxyFixture.CREDENTIAL),
                    "--store", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", S3ProxyFixture.BUCKET,
                    "--s3-prefix", "flood", "--s3-path-style", "true", "--redis", redisUri);
                 CairnServer b = CairnServer.start(configB)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                AtomicInteger seq = new AtomicInteger();
                try {
                    for (int t = 0; t < 4; t++) {
                        pool.submit(() -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                int i = seq.incrementAndGet();
                                byte[] data = new byte[8192 + (i % 50) * 512];
                                new Random(i).nextBytes(data);
                                try {
                                    HttpResponse<byte[]> r = TestHttp.put(a.api, data, "");
                                    if (r.statusCode() == 200) {
                                        acked.put(TestHttp.json(r).get("Key").asText(), data);
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                } catch (Exception e) {
                                    failed.incrementAndGet(); // the node died under this request: not acknowledged
                                    if (!a.process.isAlive()) {
                                        return null;
                                    }
                                }
                            }
                            return null;
                        });
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (acked.size() < 200 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(acked.size()).as("puts acknowledged before the kill").isGreaterThanOrEqualTo(200);
                    a.process.destroyForcibly(); // SIGKILL, mid-flood
                    assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                } finally {
                    pool.shutdownNow();
                    pool.awaitTermination(30, TimeUnit.SECONDS);
                }
                for (Map.Entry<String, byte[]> e : acked.entrySet()) {
                    HttpResponse<byte[]> r = TestHttp.get(b.gatewayUri(), "/ipfs/" + e.getKey() + "?format=raw");
                    assertThat(r.statusCode()).as("acknowledged block %s on B", e.getKey()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(e.getValue());
                }
                System.out.printf("kill -9 during a flood: %d acknowledged, all readable on B; %d cut%n",
                        acked.size(), failed.get());
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
