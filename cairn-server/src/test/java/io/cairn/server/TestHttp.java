package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Small real-HTTP helpers for the contract tests (java.net.http against a server on 127.0.0.1). */
public final class TestHttp {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private TestHttp() {
    }

    public static HttpResponse<byte[]> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public static HttpResponse<byte[]> get(URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    public static HttpResponse<byte[]> head(URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    public static HttpResponse<byte[]> post(URI base, String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public static HttpResponse<byte[]> postMultipart(URI base, String path, List<Part> parts) throws Exception {
        String boundary = "----cairn-test-boundary-7MA4YWxkTrZu0gW";
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, parts))));
    }

    public static HttpResponse<byte[]> put(URI api, byte[] data, String query) throws Exception {
        return postMultipart(api, "/api/v0/block/put" + (query.isEmpty() ? "" : "?" + query), List.of(new Part("file", data)));
    }

    /** block/put and return the CID, failing unless the server answered 200. */
    public static String putOk(URI api, byte[] data) throws Exception {
        HttpResponse<byte[]> r = put(api, data, "");
        if (r.statusCode() != 200) {
            throw new AssertionError("block/put answered " + r.statusCode() + ": " + text(r));
        }
        return json(r).get("Key").asText();
    }

    public record Part(String name, byte[] data) {
    }

    public static byte[] multipart(String boundary, List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name()
                    + "\"; filename=\"f\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.data());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    public static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    public static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    public static List<JsonNode> jsonLines(HttpResponse<byte[]> r) throws IOException {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : text(r).split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    public static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }
}
