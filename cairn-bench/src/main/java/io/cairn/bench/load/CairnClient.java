package io.cairn.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/** The few calls the harnesses make to a running server, over java.net.http. */
public final class CairnClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final URI api;
    private final URI gateway;

    public CairnClient(URI api, URI gateway) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        this.api = api;
        this.gateway = gateway;
    }

    /**
     * The answer to an upload.
     *
     * @param status     HTTP status
     * @param cid        the CID the server acknowledged (200 only), else null
     * @param retryAfter the Retry-After header, if any
     * @param body       the body when it was not a 200, for diagnostics
     */
    public record PutResult(int status, String cid, String retryAfter, String body) {
        public boolean acknowledged() {
            return status == 200 && cid != null;
        }
    }

    /** {@code POST /api/v0/block/put} with one multipart part. */
    public PutResult put(byte[] data) throws IOException, InterruptedException {
        String boundary = "cairnbench" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpRequest req = HttpRequest.newBuilder(api.resolve("/api/v0/block/put"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(data), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        String retry = r.headers().firstValue("Retry-After").orElse(null);
        if (r.statusCode() != 200) {
            return new PutResult(r.statusCode(), null, retry, r.body());
        }
        String firstLine = r.body().strip().lines().findFirst().orElse("");
        JsonNode key = JSON.readTree(firstLine).get("Key");
        return new PutResult(200, key == null ? null : key.asText(), retry, key == null ? r.body() : null);
    }

    /** {@code GET /ipfs/{cid}?format=raw}: status and body. */
    public HttpResponse<byte[]> getRaw(String cid) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(gateway.resolve("/ipfs/" + cid + "?format=raw"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public JsonNode health() throws IOException, InterruptedException {
        return getJson(api.resolve("/health"));
    }

    public JsonNode debugMemory() throws IOException, InterruptedException {
        return getJson(api.resolve("/debug/memory"));
    }

    private JsonNode getJson(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        // /health may answer 503 while degraded; its body still carries the level
        return JSON.readTree(r.body());
    }

    /**
     * The degradation level (0–4) in a /health or /debug/memory answer: the first numeric field
     * whose name mentions "level", or a level name (NONE..CRITICAL), searched depth-first.
     */
    public static OptionalLong level(JsonNode node) {
        if (node == null) {
            return OptionalLong.empty();
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
            JsonNode v = e.getValue();
            if (name.contains("level") || name.contains("degradation")) {
                if (v.isNumber()) {
                    return OptionalLong.of(v.asLong());
                }
                if (v.isTextual()) {
                    OptionalLong named = levelName(v.asText());
                    if (named.isPresent()) {
                        return named;
                    }
                }
            }
        }
        for (JsonNode child : node) {
            if (child.isObject()) {
                OptionalLong l = level(child);
                if (l.isPresent()) {
                    return l;
                }
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong levelName(String s) {
        return switch (s.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "NONE" -> OptionalLong.of(0);
            case "LOW" -> OptionalLong.of(1);
            case "MEDIUM" -> OptionalLong.of(2);
            case "HIGH" -> OptionalLong.of(3);
            case "CRITICAL" -> OptionalLong.of(4);
            default -> {
                try {
                    yield OptionalLong.of(Long.parseLong(s.trim()));
                } catch (NumberFormatException e) {
                    yield OptionalLong.empty();
                }
            }
        };
    }

    /** A numeric field of /debug/memory (MemoryStats as JSON), or -1. */
    public static long number(JsonNode stats, String field) {
        JsonNode v = stats == null ? null : stats.get(field);
        return v != null && v.isNumber() ? v.asLong() : -1;
    }

    /**
     * Bytes in Cairn's caches: {@code store.cachedBytes} of a /health answer when it has one,
     * otherwise the sum of the consumers a /debug/memory answer lists; -1 when neither says.
     */
    public static long cacheBytes(JsonNode health, JsonNode stats) {
        JsonNode store = health == null ? null : health.get("store");
        if (store != null && store.get("cachedBytes") != null && store.get("cachedBytes").isNumber()) {
            return store.get("cachedBytes").asLong();
        }
        JsonNode consumers = stats == null ? null : stats.get("consumers");
        if (consumers == null || !consumers.isObject()) {
            return -1;
        }
        long sum = 0;
        for (Map.Entry<String, JsonNode> e : consumers.properties()) {
            if (e.getValue().isNumber()) {
                sum += e.getValue().asLong();
            }
        }
        return sum;
    }
}
