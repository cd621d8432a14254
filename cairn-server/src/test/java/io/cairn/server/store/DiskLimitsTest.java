package io.cairn.server.store;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.put;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.SmallFileSystem;
import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;
import io.cairn.server.ServerExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 3: a full disk answered 500 "storage failure … No space left on device" with the
 * absolute path, Code 0, no Retry-After, while /health said ok. Now, at {@code storage-max} and on a
 * real ENOSPC: 507, Retry-After, Kubo's error JSON with Code 3 and no path; /health degraded with the
 * reason; used and free bytes in /metrics; nothing partial; writes resume once space is freed.
 */
class DiskLimitsTest {

    @Test
    void atStorageMaxWritesAnswer507AndResumeAfterRemovals() throws Exception {
        AtomicInteger gcSignals = new AtomicInteger();
        try (ServerExtension s = new ServerExtension(c -> c.withStorageMax(4L << 20, 50))) {
            s.server.storage().addWatermarkListener(status -> gcSignals.incrementAndGet());
            URI api = s.server.apiUri();
            // Pinned, so the garbage collection that the watermark starts keeps them.
            List<String> stored = fillUntilRefused(api, 256 * 1024, 64, "pin=true");
            assertThat(stored).hasSizeBetween(14, 16);
            assertThat(gcSignals.get()).as("the GC hook heard the watermark and the refusal").isGreaterThanOrEqualTo(2);

            HttpResponse<byte[]> refused = put(api, randomBytes(256 * 1024, 999), "");
            assertRefusal(refused, s.dir, "storage-max");
            JsonNode health = json(get(api, "/health"));
            assertThat(health.get("status").asText()).isEqualTo("degraded");
            assertThat(health.get("reason").asText()).contains("storage-max");
            assertThat(health.get("store").get("storage").get("state").asText()).isEqualTo("full");

            String metrics = text(get(api, "/metrics"));
            assertThat(metrics).contains("blockstore_storage_used_bytes").contains("blockstore_storage_free_bytes")
                    .contains("blockstore_storage_max_bytes 4194304").contains("blockstore_corrupt_blocks_total");

            assertThat(post(api, "/api/v0/pin/rm?arg=" + stored.get(0) + "&arg=" + stored.get(1)).statusCode()).isEqualTo(200);
            assertThat(post(api, "/api/v0/block/rm?arg=" + stored.get(0) + "&arg=" + stored.get(1)).statusCode()).isEqualTo(200);
            assertThat(put(api, randomBytes(256 * 1024, 1000), "").statusCode()).isEqualTo(200);
            assertThat(json(get(api, "/health")).get("status").asText()).isEqualTo("ok");
            for (String cid : stored.subList(2, stored.size())) {
                assertThat(post(api, "/api/v0/block/get?arg=" + cid).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aboveTheWatermarkGarbageIsCollectedByItselfAndPinsAreKept() throws Exception {
        try (ServerExtension s = new ServerExtension(c -> c.withStorageMax(4L << 20, 50))) {
            URI api = s.server.apiUri();
            List<String> pinned = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<byte[]> r = put(api, randomBytes(256 * 1024, 500 + i), "pin=true");
                assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
                pinned.add(json(r).get("Key").asText());
            }
            // Unpinned blocks up to past the 2 MiB watermark: the crossing starts a collection.
            List<String> loose = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<byte[]> r = put(api, randomBytes(256 * 1024, 600 + i), "");
                assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
                loose.add(json(r).get("Key").asText());
            }
            // The crossing came at the fourth or fifth of them; a collection started then removes the
            // unpinned blocks it found (at least the first three), never a pinned one.
            org.awaitility.Awaitility.await("garbage collected at the watermark")
                    .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> {
                        for (String cid : loose.subList(0, 3)) {
                            if (post(api, "/api/v0/block/stat?arg=" + cid).statusCode() != 404) {
                                return false;
                            }
                        }
                        return true;
                    });
            for (String cid : pinned) {
                assertThat(post(api, "/api/v0/block/get?arg=" + cid).statusCode()).as("pinned " + cid).isEqualTo(200);
            }
            assertThat(s.server.storage().status().usedBytes()).as("below the watermark again").isLessThan(2L << 20);
        }
    }

    @Test
    void aRealEnospcAnswers507AndWritesResumeWhenSpaceComesBack() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount("2m")) {
            Path data = fs.root().resolve("data");
            try (CairnServer server = CairnServer.start(ServerConfig.defaults(data).withPorts(0, 0))) {
                URI api = server.apiUri();
                List<String> stored = fillUntilRefused(api, 64 * 1024, 64);
                assertThat(stored).as("a 2m tmpfs holds some blocks, then is full").isNotEmpty();
                HttpResponse<byte[]> refused = put(api, randomBytes(64 * 1024, 4242), "");
                assertRefusal(refused, data, "no space left on device");
                JsonNode health = json(get(api, "/health"));
                assertThat(health.get("status").asText()).isEqualTo("degraded");
                assertThat(health.get("reason").asText()).contains("file system is full");
                try (Stream<Path> temp = Files.list(data.resolve("blocks/.temp"))) {
                    assertThat(temp.toList()).as("nothing partial").isEmpty();
                }
                for (String cid : stored) {
                    assertThat(post(api, "/api/v0/block/get?arg=" + cid).statusCode()).isEqualTo(200);
                }

                for (String cid : stored.subList(0, Math.min(4, stored.size()))) {
                    assertThat(post(api, "/api/v0/block/rm?arg=" + cid).statusCode()).isEqualTo(200);
                }
                HttpResponse<byte[]> again = put(api, randomBytes(64 * 1024, 4243), "");
                assertThat(again.statusCode()).as(text(again)).isEqualTo(200);
                assertThat(json(get(api, "/health")).get("status").asText()).isEqualTo("ok");
            }
        }
    }

    private static List<String> fillUntilRefused(URI api, int size, int max) throws Exception {
        return fillUntilRefused(api, size, max, "");
    }

    private static List<String> fillUntilRefused(URI api, int size, int max, String query) throws Exception {
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            HttpResponse<byte[]> r = put(api, randomBytes(size, i), query);
            if (r.statusCode() == 507) {
                return stored;
            }
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            stored.add(json(r).get("Key").asText());
        }
        throw new AssertionError("no 507 after " + max + " blocks of " + size + " bytes");
    }

    private static void assertRefusal(HttpResponse<byte[]> r, Path dataDir, String says) throws Exception {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(507);
        assertThat(header(r, "Retry-After")).isNotNull();
        assertThat(Long.parseLong(header(r, "Retry-After"))).isPositive();
        JsonNode body = json(r);
        assertThat(body.get("Type").asText()).isEqualTo("error");
        assertThat(body.get("Code").asInt()).isEqualTo(3);
        assertThat(body.get("Message").asText()).contains(says)
                .doesNotContain(dataDir.toString()).doesNotContain(dataDir.toRealPath().toString());
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
