package io.cairn.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 4: clients that trickle. Each test configures small limits (a second or two) so
 * that the defect shows in seconds: slow headers never cut off, trickling uploads taking every
 * request slot (reads and later uploads answered 429), and a read timeout that fires only at the
 * client's next byte (or the idle timeout) instead of at its own value.
 */
class HostileClientTest {
    private static final String UPLOAD_HEAD = "POST /api/v0/block/put HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 100000\r\n\r\n";

    @Test
    void slowHeadersAreCutOffAtTheHeaderDeadline() throws Exception {
        try (ServerExtension s = new ServerExtension(c -> c.withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))
                .withClientLimits(Duration.ofMillis(800), 1024, Duration.ofSeconds(1), 4))) {
            for (int port : new int[] {s.server.apiPort(), s.server.gatewayPort()}) {
                // 1 byte every 100 ms keeps the 30 s idle timeout from ever firing; the header never ends.
                String slow = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(200);
                try (Socket socket = RawHttp.connect(port)) {
                    long start = System.nanoTime();
                    Thread writer = Thread.ofVirtual().start(() -> trickle(socket, slow.getBytes(StandardCharsets.US_ASCII), 100));
                    RawHttp.Answer a;
                    try {
                        a = RawHttp.read(socket, 8_000, start);
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("slow headers on port " + port + " were not cut off within 8 s "
                                + "(header-timeout 800 ms)", e);
                    } finally {
                        writer.interrupt();
                    }
                    assertThat(a.status()).as("answer to slow headers").isIn(408, -1);
                    assertThat(a.millis()).as("ms until the connection was cut").isLessThan(5_000);
                }
            }
            // A normal request on a fresh connection is unaffected.
            assertThat(TestHttp.get(s.server.apiUri(), "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tricklingUploadsStarveNeitherReadsNorLaterUploads() throws Exception {
        try (ServerExtension s = new ServerExtension(c -> c.withMaxConcurrentRequests(4)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))
                .withClientLimits(Duration.ofSeconds(10), 1024, Duration.ofSeconds(1), 4))) {
            URI api = s.server.apiUri();
            String cid = s.putRandomBlock(1000, 1).cid().toString();
            int tricklers = 8;
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < tricklers; i++) {
                answers.add(pool.submit(() -> trickledUpload(s.server.apiPort(), 250)));
            }
            Thread.sleep(400);
            // Reads have their own pool: none is refused while the uploads hold theirs.
            for (int i = 0; i < 10; i++) {
                HttpResponse<byte[]> r = TestHttp.post(api, "/api/v0/block/stat?arg=" + cid);
                assertThat(r.statusCode()).as("block/stat while %d uploads trickle: %s", tricklers, TestHttp.text(r))
                        .isEqualTo(200);
            }
            // A normal upload gets in once the trickling ones are cut off (1 KiB/s after a 1 s grace).
            long start = System.nanoTime();
            int refused = 0;
            String stored = null;
            while (stored == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
                HttpResponse<byte[]> r = TestHttp.put(api, "a normal block".getBytes(StandardCharsets.UTF_8), "");
                if (r.statusCode() == 200) {
                    stored = TestHttp.json(r).get("Key").asText();
                } else {
                    assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(429);
                    refused++;
                    Thread.sleep(200);
                }
            }
            assertThat(stored).as("a normal block/put within 8 s of %d trickling uploads (%d refused)", tricklers, refused)
                    .isNotNull();
            for (Future<RawHttp.Answer> f : answers) {
                RawHttp.Answer a = f.get(10, TimeUnit.SECONDS);
                assertThat(a.status()).as("a trickling upload: %s", a.body()).isIn(408, 429, -1);
                if (a.status() == 408) {
                    assertThat(a.body()).contains("bytes/s");
                }
            }
            assertThat(answers.stream().filter(f -> f.resultNow().status() == 408).count())
                    .as("uploads cut off for their rate").isGreaterThanOrEqualTo(1);
            pool.shutdownNow();
        }
    }

    @Test
    void readTimeoutFiresAtItsValueNotAtTheNextByte() throws Exception {
        try (ServerExtension s = new ServerExtension(c -> c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))
                .withClientLimits(Duration.ofSeconds(10), 0, Duration.ofSeconds(1), 4))) {
            try (Socket socket = RawHttp.connect(s.server.apiPort())) {
                OutputStream out = socket.getOutputStream();
                out.write((UPLOAD_HEAD + "--xyz\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long start = System.nanoTime();
                // Then silence: the next byte would come long after the 2 s read timeout.
                RawHttp.Answer a;
                try {
                    a = RawHttp.read(socket, 10_000, start);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a 2 s read-timeout had not fired after 10 s", e);
                }
                assertThat(a.status()).isEqualTo(408);
                assertThat(a.body()).contains("read timeout");
                assertThat(a.millis()).as("ms until the 408").isBetween(1_500L, 4_500L);
            }
        }
    }

    @Test
    void anAddLongerThanTheReadTimeoutIsNotCutWhileEachMibArrivesInTime() throws Exception {
        // read-timeout 2 s; the file arrives as 6 MiB at 1 MiB every 700 ms (about 4.2 s in all).
        // Before streaming uploads had their own rule, the whole-body deadline answered 408 at 2 s.
        try (ServerExtension s = new ServerExtension(c -> c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))
                .withClientLimits(Duration.ofSeconds(10), 0, Duration.ofSeconds(1), 4))) {
            java.net.HttpURLConnection http = (java.net.HttpURLConnection) java.net.URI.create(
                    "http://127.0.0.1:" + s.server.apiPort() + "/api/v0/add?pin=false").toURL().openConnection();
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setChunkedStreamingMode(64 * 1024);
            http.setRequestProperty("Content-Type", "multipart/form-data; boundary=xyz");
            byte[] mib = new byte[1024 * 1024];
            new java.util.Random(7).nextBytes(mib);
            long start = System.nanoTime();
            try (OutputStream out = http.getOutputStream()) {
                out.write(("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 6; i++) {
                    out.write(mib);
                    out.flush();
                    Thread.sleep(700);
                }
                out.write("\r\n--xyz--\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            int status = http.getResponseCode();
            String body = new String((status == 200 ? http.getInputStream() : http.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms the upload took").isGreaterThan(3_000L);
            assertThat(status).as(body).isEqualTo(200);
            assertThat(body).contains("\"Name\":\"big\"").contains("\"Size\"");
        }
    }

    @Test
    void anAddThatStallsIsStillCutAtTheReadTimeout() throws Exception {
        try (ServerExtension s = new ServerExtension(c -> c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))
                .withClientLimits(Duration.ofSeconds(10), 0, Duration.ofSeconds(1), 4))) {
            try (Socket socket = RawHttp.connect(s.server.apiPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/v0/add HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=xyz\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] part = ("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nabc")
                        .getBytes(StandardCharsets.US_ASCII);
                out.write((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(part);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long start = System.nanoTime();
                RawHttp.Answer a = RawHttp.read(socket, 10_000, start);
                // add streams its answer as Kubo does: the status may already be 200, and then the
                // failure comes in the X-Stream-Error trailer, but the stream ends at the deadline.
                if (a.status() == 200) {
                    assertThat(a.body()).contains("X-Stream-Error");
                } else {
                    assertThat(a.status()).isEqualTo(408);
                }
                assertThat(a.body()).contains("read timeout");
                assertThat(a.millis()).as("ms until the answer ended").isBetween(1_500L, 4_500L);
            }
        }
    }

    /** An upload whose body arrives one byte every {@code everyMillis} ms; its answer, or -1 if cut. */
    private static RawHttp.Answer trickledUpload(int port, int everyMillis) throws IOException {
        try (Socket socket = RawHttp.connect(port)) {
            long start = System.nanoTime();
            socket.getOutputStream().write(UPLOAD_HEAD.getBytes(StandardCharsets.US_ASCII));
            Thread writer = Thread.ofVirtual().start(() -> trickle(socket, ("--xyz\r\n" + "b".repeat(2000))
                    .getBytes(StandardCharsets.US_ASCII), everyMillis));
            try {
                return RawHttp.read(socket, 15_000, start);
            } finally {
                writer.interrupt();
            }
        }
    }

    private static void trickle(Socket socket, byte[] bytes, int everyMillis) {
        try {
            OutputStream out = socket.getOutputStream();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(everyMillis);
            }
        } catch (IOException | InterruptedException e) {
            // cut off by the server, or the test is done
        }
    }
}
