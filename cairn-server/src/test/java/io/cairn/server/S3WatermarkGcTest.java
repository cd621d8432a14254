package io.cairn.server;

import io.cairn.s3.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code storage-max} over {@code store = s3} (s3proxy): the S3 store's usage figure counts the
 * bucket's block bytes, so /health reports them, crossing the GC watermark starts the garbage
 * collector by itself (unpinned blocks go, pinned ones stay), and at {@code storage-max} writes are
 * refused with 507. Before, S3 reported 0 bytes used and none of this happened.
 */
class S3WatermarkGcTest {
    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void aboveTheWatermarkAnS3NodeCollectsGarbageByItself() throws Exception {
        System.setProperty("aws.accessKeyId", S3ProxyFixture.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.CREDENTIAL);
        try (S3ProxyFixture s3 = S3ProxyFixture.startNew()) {
            ServerConfig config = ServerConfig.defaults(dir.resolve("n")).withPorts(0, 0)
                    .withStore(StoreType.S3, new S3StoreConfig(s3.endpoint(), S3ProxyFixture.BUCKET, "watermark", "us-east-1",
                            true, null, 0))
                    .withStorageMax(4L << 20, 50);
            try (CairnServer node = CairnServer.start(config)) {
                List<String> pinned = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    HttpResponse<byte[]> r = TestHttp.put(node.apiUri(), random(256 * 1024, 500 + i), "pin=true");
                    assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(200);
                    pinned.add(TestHttp.json(r).get("Key").asText());
                }
                long used = TestHttp.json(TestHttp.get(node.apiUri(), "/health")).get("store").get("storage")
                        .get("usedBytes").asLong();
                assertThat(used).as("the S3 store's usage: its four blocks").isEqualTo(4L * 256 * 1024);

                List<String> loose = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    HttpResponse<byte[]> r = TestHttp.put(node.apiUri(), random(256 * 1024, 600 + i), "");
                    assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(200);
                    loose.add(TestHttp.json(r).get("Key").asText());
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean collected = false;
                while (!collected && System.nanoTime() < deadline) {
                    collected = true;
                    for (String cid : loose.subList(0, 3)) {
                        if (TestHttp.post(node.apiUri(), "/api/v0/block/stat?arg=" + cid).statusCode() != 404) {
                            collected = false;
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(collected).as("the watermark (2 MiB) started a collection of the unpinned blocks").isTrue();
                for (String cid : pinned) {
                    assertThat(TestHttp.post(node.apiUri(), "/api/v0/block/stat?arg=" + cid).statusCode())
                            .as("pinned %s kept", cid).isEqualTo(200);
                }
                long after = TestHttp.json(TestHttp.get(node.apiUri(), "/health")).get("store").get("storage")
                        .get("usedBytes").asLong();
                assertThat(after).as("usage fell with the collection").isLessThan(10L * 256 * 1024);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
