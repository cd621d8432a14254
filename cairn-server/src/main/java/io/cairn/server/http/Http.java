package io.cairn.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Blocking response writes (handlers run on virtual threads) and small request helpers. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** Writes the whole body and completes the response, blocking this (virtual) thread. */
    static void send(Response response, int status, String contentType, byte[] body, boolean head) throws IOException {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(response, true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body));
    }

    static void write(Response response, boolean last, ByteBuffer buffer) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, buffer, cb);
            cb.block();
        }
    }

    /**
     * A plain-text answer written without blocking: the callback completes when the write does. For
     * handlers that may run on an I/O thread (the gateway listener's), which must not wait for a client.
     */
    static void sendTextAsync(Response response, int status, String text, boolean head, org.eclipse.jetty.util.Callback callback) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }

    static void sendText(Response response, int status, String text, boolean head) throws IOException {
        send(response, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), head);
    }

    static void sendJson(Response response, int status, Object value) throws IOException {
        byte[] body = JSON.writeValueAsBytes(value);
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        send(response, status, "application/json", line, false);
    }

    /** Kubo's error body: {"Message":"...","Code":n,"Type":"error"}. */
    static void sendKuboError(Response response, HttpProblem p) throws IOException {
        if (p.status() == 429 || p.status() == 503 || p.status() == 507) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, p.retryAfterSeconds());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Message", p.getMessage());
        body.put("Code", p.kuboCode());
        body.put("Type", "error");
        sendJson(response, p.status(), body);
    }

    /**
     * The query parameters, decoded as UTF-8. A malformed query (a {@code %} not followed by two hex
     * digits, bytes that are not UTF-8) is the client's mistake: 400 naming it.
     */
    static Fields query(Request request) {
        try {
            return Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            String raw = request.getHttpURI().getQuery();
            if (raw != null && raw.length() > 200) {
                raw = raw.substring(0, 200) + "...";
            }
            throw HttpProblem.badRequest("invalid query string '" + raw + "': " + describe(e)
                    + " (percent-encoding must be % and two hex digits, and decode to UTF-8)");
        }
    }

    private static String describe(RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static String param(Fields q, String name) {
        Fields.Field f = q.get(name);
        return f == null ? null : f.getValue();
    }

    static List<String> params(Fields q, String name) {
        Fields.Field f = q.get(name);
        return f == null ? List.of() : f.getValues();
    }

    /** Kubo's boolean options: present without value or "true" means true. */
    static boolean flag(Fields q, String name, boolean dflt) {
        String v = param(q, name);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw HttpProblem.badRequest("option '" + name + "' must be true or false, got '" + v + "'");
        };
    }

    static int intParam(Fields q, String name, int dflt) {
        String v = param(q, name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("option '" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    /**
     * Reads and discards what is left of a request body (at most {@code limit} bytes, within
     * {@code timeoutMillis}) before an early error answer. A server that answers while the client is
     * still sending and then closes makes the client's TCP stack reset the connection, and the client
     * never sees the 503 or 429 it was sent; discarding costs bandwidth, not memory.
     */
    static void drain(Request request, long limit, long timeoutMillis) {
        long declared = request.getLength();
        if (declared > limit) {
            return;
        }
        String expect = request.getHeaders().get(org.eclipse.jetty.http.HttpHeader.EXPECT);
        if (expect != null && expect.toLowerCase(java.util.Locale.ROOT).contains("100-continue")) {
            // The client waits for "100 Continue" before sending the body; reading now would ask for
            // the very upload being refused. Answering without it tells the client not to send.
            return;
        }
        try {
            InputStream in = new BodyLimitInputStream(Content.Source.asInputStream(request), limit, timeoutMillis, "body");
            byte[] sink = new byte[16 * 1024];
            while (in.read(sink, 0, sink.length) >= 0) {
                // discard
            }
        } catch (IOException | RuntimeException e) {
            // Too large, too slow or already broken: Jetty closes the connection after the answer.
        }
    }
}
