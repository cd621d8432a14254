package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.put;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Admin endpoints, authentication, load shedding and memory-pressure refusals, over real HTTP. */
class AdminAndLimitsTest {

    @Test
    void metricsHealthAndDebugMemory() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            URI api = ext.server.apiUri();
            TestHttp.putOk(api, "metrics please".getBytes());
            TestHttp.get(ext.server.gatewayUri(), "/ipfs/bafkqaaa?format=raw");

            HttpResponse<byte[]> m = get(api, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(header(m, "Content-Type")).startsWith("text/plain");
            String body = text(m);
            assertThat(body).contains("cairn_http_requests_seconds_count{listener=\"api\"",
                    "route=\"/api/v0/block/put\"", "listener=\"gateway\"", "jvm_memory_used_bytes",
                    "jvm_gc_", "cairn_blockstore_puts_seconds_count", "blockstore_memory_pressure_level", "cache_size_bytes{",
                    "blockstore_memory_usage_ratio", "blockstore_gc_cycles_total", "blockstore_rejected_ops_total",
                    "blockstore_cache_disabled_total", "blockstore_cleanup_ops_total", "blockstore_degradation_level",
                    "cache_gets_total{cache=\"blocks\"", "cache_evictions_total");

            HttpResponse<byte[]> h = get(api, "/health");
            assertThat(h.statusCode()).isEqualTo(200);
            JsonNode health = json(h);
            assertThat(health.get("status").asText()).isIn("ok", "degraded");
            assertThat(health.get("degradationLevel").asInt()).isBetween(0, 4);
            assertThat(health.get("store").get("state").asText()).isEqualTo("open");
            // /health is unauthenticated: it names no filesystem path (issue 11).
            assertThat(health.get("store").has("path")).isFalse();
            assertThat(health.toString()).doesNotContain(ext.dir.toString());

            HttpResponse<byte[]> d = get(api, "/debug/memory");
            assertThat(d.statusCode()).isEqualTo(200);
            JsonNode mem = json(d);
            assertThat(mem.get("budgetBytes").asLong()).isEqualTo(ext.server.governor().budgetBytes());
            assertThat(mem.get("heapMax").asLong()).isEqualTo(Runtime.getRuntime().maxMemory());
            assertThat(mem.has("level")).isTrue();
        }
    }

    @Test
    void bearerTokenGuardsTheApiButNotHealth() throws Exception {
        try (ServerExtension ext = new ServerExtension(c -> c.withApiToken("s3cret"))) {
            URI api = ext.server.apiUri();
            HttpResponse<byte[]> none = post(api, "/api/v0/version");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(json(none).get("Code").asInt()).isEqualTo(4);
            HttpResponse<byte[]> wrong = TestHttp.send(HttpRequest.newBuilder(api.resolve("/api/v0/version"))
                    .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(wrong.statusCode()).isEqualTo(403);
            HttpResponse<byte[]> right = TestHttp.send(HttpRequest.newBuilder(api.resolve("/api/v0/version"))
                    .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(get(api, "/health").statusCode()).isEqualTo(200);
            assertThat(get(api, "/metrics").statusCode()).isEqualTo(401);
            // The gateway is public and read-only.
            assertThat(get(ext.server.gatewayUri(), "/ipfs/bafkqaaa?format=raw").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void requestsBeyondTheConcurrencyLimitGet429WithRetryAfter() throws Exception {
        // Uploads have their own pool (issue 11): one upload slot, held by an upload that never
        // finishes, sheds the next upload, while other commands still get in.
        try (ServerExtension ext = new ServerExtension(c -> c.withMaxConcurrentRequests(1)
                .withClientLimits(Duration.ofSeconds(10), 0, Duration.ofSeconds(10), 1))) {
            URI api = ext.server.apiUri();
            // Hold the only upload permit: a block/put whose body never finishes arriving.
            try (Socket slow = new Socket("127.0.0.1", ext.server.apiPort())) {
                OutputStream out = slow.getOutputStream();
                out.write(("POST /api/v0/block/put HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
                        + "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\npartial").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // The handler reserves the declared body before reading it: that is the sign it is in service.
                long inService = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (ext.server.governor().reservedBytes() == 0 && System.nanoTime() < inService) {
                    Thread.sleep(20);
                }
                assertThat(ext.server.governor().reservedBytes()).as("the held upload reached its handler").isPositive();
                HttpResponse<byte[]> shed = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    shed = TestHttp.put(api, "another".getBytes(StandardCharsets.UTF_8), "");
                    if (shed.statusCode() == 429) {
                        break;
                    }
                    Thread.sleep(50);
                }
                if (shed.statusCode() != 429) {
                    slow.setSoTimeout(2000);
                    byte[] early = slow.getInputStream().readNBytes(Math.max(0, slow.getInputStream().available()));
                    String metrics = TestHttp.text(get(api, "/metrics")).lines()
                            .filter(l -> l.startsWith("cairn_http_requests_seconds_count")).reduce("", (a, b) -> a + "\n" + b);
                    assertThat(shed.statusCode()).as("the held request answered early: %s; %s",
                            new String(early, StandardCharsets.US_ASCII), metrics).isEqualTo(429);
                }
                assertThat(header(shed, "Retry-After")).isEqualTo("1");
                assertThat(json(shed).get("Code").asInt()).isEqualTo(3);
                assertThat(json(shed).get("Message").asText()).contains("too many concurrent uploads");
                // Other commands draw on their own pool, and admin endpoints are not counted at all.
                assertThat(post(api, "/api/v0/version").statusCode()).isEqualTo(200);
                assertThat(get(api, "/health").statusCode()).isEqualTo(200);
            }
            // The permit comes back once the slow request ends.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                status = TestHttp.put(api, "another".getBytes(StandardCharsets.UTF_8), "").statusCode();
                Thread.sleep(50);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    @Test
    void writesRefusedUnderMemoryPressureAre503WithRetryAfterWhileReadsGoOn() throws Exception {
        try (ServerExtension ext = new ServerExtension(c -> c.withMaxMemory(512L * 1024 * 1024))) {
            URI api = ext.server.apiUri();
            // The test runner's own heap may be near its limit for a moment (the governor's heap fast
            // path then says CRITICAL); the server's GC requests clear that: bounded wait.
            String kept = null;
            long ready = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (kept == null && System.nanoTime() < ready) {
                HttpResponse<byte[]> r = put(api, "stored before the squeeze".getBytes(), "");
                if (r.statusCode() == 200) {
                    kept = json(r).get("Key").asText();
                } else {
                    Thread.sleep(250);
                }
            }
            assertThat(kept).as("a write accepted before the squeeze").isNotNull();
            MemoryGovernor governor = ext.server.governor();
            // Take what the real governor will still grant (accounting only, nothing is allocated), as a
            // flood of uploads in flight would.
            List<MemoryGovernor.Reservation> held = new ArrayList<>();
            try {
                HttpResponse<byte[]> refused = null;
                byte[] data = null;
                // A collection the governor itself asks for can free room between filling and the
                // upload; then fill again. Bounded: the refusal must come within a few rounds.
                for (int round = 0; round < 10; round++) {
                    long chunk = 64L * 1024 * 1024;
                    while (chunk >= 1024) {
                        try {
                            held.add(governor.tryReserve(chunk));
                        } catch (MemoryPressureException e) {
                            chunk /= 2;
                        }
                    }
                    data = new byte[200_000];
                    data[0] = (byte) round;
                    refused = put(api, data, "");
                    if (refused.statusCode() != 200) {
                        break;
                    }
                }
                assertThat(refused.statusCode()).as(text(refused)).isEqualTo(503);
                assertThat(header(refused, "Retry-After")).matches("\\d+");
                JsonNode err = json(refused);
                assertThat(err.get("Code").asInt()).isEqualTo(3);
                assertThat(err.get("Message").asText()).contains("memory pressure refused the write");
                assertThat(ext.server.blockstore().has(Block.raw(data).cid())).isFalse();

                HttpResponse<byte[]> read = post(api, "/api/v0/block/get?arg=" + kept);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(get(ext.server.gatewayUri(), "/ipfs/" + kept + "?format=raw").statusCode()).isEqualTo(200);
            } finally {
                held.forEach(MemoryGovernor.Reservation::release);
            }
            // Released reservations count as allocated until a collection shows them gone, so writes
            // come back once the server's own GC requests have run: bounded wait.
            int after = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (after != 200 && System.nanoTime() < deadline) {
                after = put(api, "after the squeeze".getBytes(), "").statusCode();
                if (after != 200) {
                    Thread.sleep(250);
                }
            }
            assertThat(after).isEqualTo(200);
        }
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            HttpResponse<byte[]> r = get(ext.server.gatewayUri(), "/ipfs/bafkqaaa?format=raw", "X-Big", "x".repeat(20_000));
            assertThat(r.statusCode()).isEqualTo(431);
        }
    }

    @Test
    void aBodyTricklingPastTheReadTimeoutIsCutOff() throws Exception {
        try (ServerExtension ext = new ServerExtension(c -> c.withTimeouts(Duration.ofMillis(800), Duration.ofSeconds(30)))) {
            try (Socket s = new Socket("127.0.0.1", ext.server.apiPort())) {
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/v0/block/put HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n"
                        + "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = "";
                // One byte every 200 ms: never idle long enough for the idle timeout, but far too slow.
                for (int i = 0; i < 40 && response.isEmpty(); i++) {
                    try {
                        out.write('x');
                        out.flush();
                    } catch (java.io.IOException closed) {
                        break;
                    }
                    Thread.sleep(200);
                    if (in.available() > 0) {
                        response = new String(in.readNBytes(in.available()), StandardCharsets.US_ASCII);
                    }
                }
                assertThat(response).startsWith("HTTP/1.1 408");
            }
        }
    }
}
