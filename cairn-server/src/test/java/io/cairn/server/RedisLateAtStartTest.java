package io.cairn.server;

import io.cairn.redis.RedisProcesses;
import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node over a shared bucket (s3proxy) whose Redis is down when it starts: writes are answered 503
 * with Retry-After (whether another node sweeps cannot be told), and once Redis answers, the node
 * takes writes and collections again by itself, with no restart.
 */
class RedisLateAtStartTest {
    @TempDir
    Path dir;
    private S3ProxyFixture s3;
    private RedisProcesses redis;
    private CairnServer node;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {node, redis, s3}) {
            if (c != null) {
                c.close();
            }
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void writesAreRefusedUntilRedisAnswersThenResumeWithoutARestart() throws Exception {
        RedisProcesses.redisServer();
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        s3 = S3ProxyFixture.startNew();
        int port = RedisProcesses.freePort();
        Path data = dir.resolve("node");
        node = CairnServer.start(ServerConfig.builder(data).gatewayPort(0).apiPort(0)
                .store(StoreType.S3).s3(new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, "late-redis", "us-east-1",
                        true, data.resolve("s3-cache"), 16L << 20))
                .redis(RedisConfig.defaults().withStandalone("redis://127.0.0.1:" + port)).build());

        byte[] block = new byte[2000];
        new Random(7).nextBytes(block);
        HttpResponse<byte[]> refused = TestHttp.put(node.apiUri(), block, "cid-codec=raw");
        assertThat(refused.statusCode()).as(TestHttp.text(refused)).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestHttp.post(node.apiUri(), "/api/v0/repo/gc").statusCode()).isEqualTo(503);

        redis = RedisProcesses.standaloneOn(port);
        // The node retries at most every 5 s, on the next write: bounded, stops by itself.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<byte[]> put;
        do {
            Thread.sleep(250);
            put = TestHttp.put(node.apiUri(), block, "cid-codec=raw");
        } while (put.statusCode() == 503 && System.nanoTime() < deadline);
        assertThat(put.statusCode()).as(TestHttp.text(put)).isEqualTo(200);
        String cid = TestHttp.json(put).get("Key").asText();
        assertThat(TestHttp.get(node.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(block);
        HttpResponse<byte[]> gc = TestHttp.post(node.apiUri(), "/api/v0/repo/gc");
        assertThat(gc.statusCode()).as(TestHttp.text(gc)).isEqualTo(200);
    }
}
