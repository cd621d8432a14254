package io.cairn.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small fault-injecting HTTP proxy between the S3 client and s3proxy, on 127.0.0.1. Each client
 * connection carries one request (the proxy rewrites {@code Connection: close}), so a fault can be
 * aimed at a request: {@link Fault#LATENCY} delays the answer, {@link Fault#SLOW_DOWN} answers
 * {@code 503 SlowDown} itself, {@link Fault#RESET} resets the connection (RST), {@link Fault#TRUNCATE}
 * cuts a GET's body in half and {@link Fault#CORRUPT} flips one byte of it; {@link Fault#HOLD} stops a
 * GET's body halfway, and any other request before its answer, until {@link #release()} (so a test can
 * look at a transfer while it is in flight); {@link Fault#WRONG_CHECKSUM} passes a GET's body through
 * untouched but adds an {@code x-amz-checksum-crc32} header that does not match it, which only an SDK
 * validating checksums of its own would notice.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { NONE, LATENCY, SLOW_DOWN, RESET, TRUNCATE, CORRUPT, HOLD, WRONG_CHECKSUM }

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Fault fault = Fault.NONE;
    private volatile long latencyMillis;
    /** Faults left to inject; negative for "every request". */
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.Queue<String> heads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Injects {@code f} into the next {@code count} requests it applies to ({@code -1}: all of them). */
    void inject(Fault f, int count) {
        remaining.set(count);
        fault = f;
    }

    void latency(long millis, int count) {
        latencyMillis = millis;
        inject(Fault.LATENCY, count);
    }

    /** {@link Fault#HOLD} for the next {@code count} requests ({@code -1}: all), until {@link #release()}. */
    void hold(int count) {
        gate = new java.util.concurrent.CountDownLatch(1);
        inject(Fault.HOLD, count);
    }

    /** Lets every held request go on, and holds no more. */
    void release() {
        heal();
        gate.countDown();
    }

    private void awaitGate() {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void heal() {
        fault = Fault.NONE;
        remaining.set(0);
    }

    int injected() {
        return injected.get();
    }

    int requests() {
        return requests.get();
    }

    /** The request line and headers of every request so far, as they came over the wire. */
    List<String> heads() {
        return List.copyOf(heads);
    }

    private Fault take(String method) {
        Fault f = fault;
        if (f == Fault.NONE) {
            return f;
        }
        if ((f == Fault.TRUNCATE || f == Fault.CORRUPT || f == Fault.WRONG_CHECKSUM) && !method.equals("GET")) {
            return Fault.NONE;
        }
        while (true) {
            int left = remaining.get();
            if (left == 0) {
                return Fault.NONE;
            }
            if (left < 0 || remaining.compareAndSet(left, left - 1)) {
                injected.incrementAndGet();
                return f;
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket c = server.accept();
                threads.submit(() -> serve(c));
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            String head = readHead(in);
            if (head == null) {
                return;
            }
            requests.incrementAndGet();
            heads.add(head);
            String method = head.substring(0, Math.max(0, head.indexOf(' ')));
            Fault f = take(method);
            switch (f) {
                case RESET -> {
                    client.setSoLinger(true, 0);
                    return;
                }
                case SLOW_DOWN -> {
                    long len = header(head, "content-length");
                    if (len > 0 && header(head, "expect") < 0) {
                        in.skipNBytes(len);
                    }
                    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                            + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    return;
                }
                default -> forward(client, in, head, f);
            }
        } catch (IOException e) {
            // the client or upstream went away: nothing to do
        }
    }

    private void forward(Socket client, InputStream clientIn, String head, Fault f) throws IOException {
        try (Socket up = new Socket()) {
            up.connect(new InetSocketAddress("127.0.0.1", upstreamPort), 2000);
            OutputStream upOut = up.getOutputStream();
            upOut.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
            upOut.flush();
            threads.submit(() -> {
                try {
                    clientIn.transferTo(upOut);
                } catch (IOException e) {
                    // closed
                }
            });
            InputStream upIn = new BufferedInputStream(up.getInputStream());
            OutputStream out = client.getOutputStream();
            if (f == Fault.LATENCY) {
                sleep(latencyMillis);
            }
            if (f == Fault.HOLD && !head.startsWith("GET ")) {
                awaitGate();
            }
            if (f == Fault.WRONG_CHECKSUM) {
                String respHead = readHead(upIn);
                if (respHead == null) {
                    return;
                }
                // the CRC32 of no bytes at all: right for an empty body only
                out.write((respHead.substring(0, respHead.length() - 2) + "x-amz-checksum-crc32: AAAAAA==\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            if (f == Fault.TRUNCATE || f == Fault.CORRUPT || (f == Fault.HOLD && head.startsWith("GET "))) {
                String respHead = readHead(upIn);
                while (respHead != null && respHead.startsWith("HTTP/1.1 100")) {
                    out.write(respHead.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    respHead = readHead(upIn);
                }
                if (respHead == null) {
                    return;
                }
                out.write(respHead.getBytes(StandardCharsets.ISO_8859_1));
                long len = header(respHead, "content-length");
                if (respHead.startsWith("HTTP/1.1 200") && len > 1) {
                    byte[] body = upIn.readNBytes((int) len);
                    if (f == Fault.HOLD) {
                        out.write(body, 0, body.length / 2);
                        out.flush();
                        awaitGate();
                        out.write(body, body.length / 2, body.length - body.length / 2);
                        out.flush();
                        return;
                    }
                    if (f == Fault.TRUNCATE) {
                        out.write(body, 0, body.length / 2);
                        out.flush();
                        client.setSoLinger(true, 0); // cut off mid-body
                        return;
                    }
                    body[body.length / 2] ^= 0x5a;
                    out.write(body);
                    out.flush();
                    return;
                }
            }
            upIn.transferTo(out);
            out.flush();
        }
    }

    private static String withConnectionClose(String head) {
        StringBuilder sb = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                continue;
            }
            sb.append(line).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    /** A header's numeric value, 0 if it is not a number, -1 if absent. */
    private static long header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                try {
                    return Long.parseLong(line.substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return -1;
    }

    /** Reads up to and including the blank line ending a head; {@code null} at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            buf.write(b);
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1, 3 -> b == '\n' ? state + 1 : (b == '\r' ? 1 : 0);
                default -> 0;
            };
            if (buf.size() > 64 * 1024) {
                throw new IOException("request head too long");
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        gate.countDown();
        closed = true;
        server.close();
        threads.shutdownNow();
    }
}
