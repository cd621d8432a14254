package io.cairn.server.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Blocking response writes: gateway handlers run on virtual threads. */
final class Responses {
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Responses() {
    }

    static void write(Response response, boolean last, ByteBuffer buffer) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, buffer, cb);
            cb.block();
        }
    }

    /** Ends a response that has no body (HEAD, 304, 204). */
    static void end(Response response) throws IOException {
        write(response, true, EMPTY);
    }

    static void send(Response response, int status, String contentType, byte[] body, boolean head) throws IOException {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(response, true, head ? EMPTY : ByteBuffer.wrap(body));
    }

    static void sendText(Response response, int status, String text, boolean head) throws IOException {
        send(response, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), head);
    }
}
