package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code store = s3} end to end: a real server over a real S3 server (s3proxy). Writes reach the
 * bucket; when S3 dies, writes get 503 with Retry-After, /health says degraded and disk-cached reads
 * keep working; when it returns, the server recovers by itself. A missing bucket stops the start with
 * a clear message.
 */
class S3ServerTest {
    private static S3ProxyFixture s3;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.startNew();
        dir = Files.createTempDirectory("cairn-s3-server");
        // the SDK's default chain reads these system properties first
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3 != null) {
            s3.close();
        }
        if (dir != null) {
            ServerExtension.deleteTree(dir);
        }
    }

    private static ServerConfig config(String bucket) {
        return ServerConfig.defaults(dir).withPorts(0, 0).withStore(StoreType.S3,
                new S3StoreConfig(s3.endpoint(), bucket, "server", "us-east-1", true, dir.resolve("s3-cache"), 64L << 20));
    }

    @Test
    void writesGo503WithRetryAfterWhileS3IsDownAndTheServerRecoversByItself() throws Exception {
        try (CairnServer server = CairnServer.start(config(S3ProxyFixture.BUCKET))) {
            URI api = server.apiUri();
            byte[] data = new byte[4096];
            new Random(1).nextBytes(data);
            String cid = TestHttp.putOk(api, data);
            assertThat(cid).isEqualTo(Block.raw(data).cid().toString());
            assertThat(TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);
            var health = TestHttp.json(TestHttp.get(api, "/health"));
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.get("store").get("type").asText()).isEqualTo("s3");
            assertThat(health.get("store").get("breaker").asText()).isEqualTo("CLOSED");
            assertThat(TestHttp.text(TestHttp.get(api, "/metrics"))).contains("cairn_s3_requests_total{op=\"put\"}");

            s3.kill();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int refused = 0;
            while (!"degraded".equals(TestHttp.json(TestHttp.get(api, "/health")).get("status").asText())) {
                assertThat(System.nanoTime()).as("the breaker opens").isLessThan(deadline);
                byte[] more = new byte[1000];
                new Random(100 + refused).nextBytes(more);
                HttpResponse<byte[]> r = TestHttp.put(api, more, "");
                assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(503);
                assertThat(TestHttp.header(r, "Retry-After")).isNotBlank();
                refused++;
            }
            HttpResponse<byte[]> fast = TestHttp.put(api, new byte[] {1, 2, 3}, "");
            assertThat(fast.statusCode()).isEqualTo(503);
            assertThat(TestHttp.text(fast)).contains("circuit breaker open");
            assertThat(Integer.parseInt(TestHttp.header(fast, "Retry-After"))).isPositive();
            // the block written before is served from the local caches
            assertThat(TestHttp.get(server.gatewayUri(), "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);

            s3.start();
            while (!"ok".equals(TestHttp.json(TestHttp.get(api, "/health")).get("status").asText())) {
                assertThat(System.nanoTime()).as("the breaker closes again").isLessThan(deadline);
                Thread.sleep(100);
            }
            byte[] after = new byte[2000];
            new Random(7).nextBytes(after);
            TestHttp.putOk(api, after);
        }
    }

    @Test
    void aMissingBucketStopsTheStartWithAClearMessage() {
        assertThatThrownBy(() -> CairnServer.start(config("no-such-bucket")))
                .hasMessageContaining("bucket 'no-such-bucket' does not exist");
    }
}
