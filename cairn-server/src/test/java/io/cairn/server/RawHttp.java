package io.cairn.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for what java.net.http refuses to send (malformed URIs, odd
 * transfer codings, a byte at a time) and for watching when the server answers or hangs up.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** What came back: the status (-1 if the connection closed or reset without one), headers and body text. */
    record Answer(int status, String head, String body, long millis) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Sends {@code request} whole and reads the answer. */
    static Answer exchange(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s, timeoutMillis, System.nanoTime());
        }
    }

    static Answer exchange(int port, String request, int timeoutMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
    }

    /**
     * Reads one response (up to Content-Length, or to the close) within {@code timeoutMillis};
     * {@code millis} is measured from {@code sinceNanos}. Throws SocketTimeoutException if nothing
     * complete arrived in time.
     */
    static Answer read(Socket s, int timeoutMillis, long sinceNanos) throws IOException {
        s.setSoTimeout(timeoutMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    String head = text.substring(0, end);
                    int length = contentLength(head);
                    if (length >= 0 && text.length() - end - 4 >= length) {
                        return answer(head, text.substring(end + 4, end + 4 + length), sinceNanos);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("no complete response within " + timeoutMillis + " ms");
                }
                int n = in.read(b);
                if (n < 0) {
                    break;
                }
                buf.write(b, 0, n);
            }
        } catch (SocketException e) {
            // reset: fall through with what arrived
        }
        String text = buf.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(-1, text, "", (System.nanoTime() - sinceNanos) / 1_000_000);
        }
        return answer(text.substring(0, end), text.substring(end + 4), sinceNanos);
    }

    private static Answer answer(String head, String body, long sinceNanos) {
        String[] status = head.split(" ", 3);
        return new Answer(Integer.parseInt(status[1]), head, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8), (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }
}
