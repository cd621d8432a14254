package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of concurrent uploads against a server in a child JVM with a 128 MiB heap and a 64 MiB
 * budget: it must refuse with 503 + Retry-After rather than run out of memory, keep everything it
 * acknowledged, and come back to level 0 afterwards.
 */
class MemoryPressureFloodTest {
    static final int UPLOADS = 240;
    /**
     * As many as the server admits at once (max-concurrent-uploads, 64), of 2 MiB (the largest block
     * without allow-big-block). Uploads now reserve exactly the native chunks they hold and nothing
     * of them lingers as landed heap bytes, so the old flood (48 at once of 1 MiB) fitted the 64 MiB
     * budget: 240 of 240 accepted, none refused, and 64 at once of 1 MiB likewise. On a quiet machine
     * even 64 at once of 2 MiB were stored faster than they arrived together (240 accepted, 0
     * refused), so each sender now holds back its last 64 KiB for {@link #HOLD_MILLIS}: the uploads
     * then hold about 124 MiB at once against the 64 MiB budget, whatever the machine's speed, and
     * refusals follow from the arithmetic, not from timing.
     */
    static final int CONCURRENCY = 64;
    static final int SIZE = 2 * 1024 * 1024;
    static final long HOLD_MILLIS = 1500;
    static final int HELD_BACK = 64 * 1024;

    @TempDir
    Path data;

    static byte[] payload(int i) {
        byte[] b = new byte[SIZE];
        new Random(1000 + i).nextBytes(b);
        return b;
    }

    /** A block/put whose body arrives at once but for its last {@link #HELD_BACK} bytes, sent {@link #HOLD_MILLIS} later. */
    static HttpResponse<byte[]> heldPut(java.net.URI api, byte[] data) throws Exception {
        byte[] body = TestHttp.multipart("held", List.of(new TestHttp.Part("file", data)));
        int split = body.length - HELD_BACK;
        java.io.InputStream held = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(body, 0, split),
                new java.io.InputStream() {
                    private java.io.InputStream rest;

                    @Override
                    public int read() throws java.io.IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws java.io.IOException {
                        if (rest == null) {
                            try {
                                Thread.sleep(HOLD_MILLIS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new java.io.InterruptedIOException();
                            }
                            rest = new java.io.ByteArrayInputStream(body, split, HELD_BACK);
                        }
                        return rest.read(b, off, len);
                    }
                });
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(api.resolve("/api/v0/block/put"))
                .header("Content-Type", "multipart/form-data; boundary=held")
                .timeout(Duration.ofSeconds(60))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> held)).build();
        return TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void floodIsRefusedCleanlyWithoutOutOfMemory() throws Exception {
        // ExitOnOutOfMemoryError turns the first OutOfMemoryError, even a caught one, into a dead child.
        // The cache is kept small (4 MiB): the verification reads below warm it, and a warm cache of a
        // quarter of the budget may rightly leave the level at LOW (caches are trimmed only from MEDIUM),
        // while this test is about what the flood itself leaves behind.
        try (ChildServer child = new ChildServer(data, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--max-memory", "64m", "--cache-size", "4m")) {
            Map<Integer, Integer> status = new ConcurrentHashMap<>();
            AtomicInteger refusalsWithoutRetryAfter = new AtomicInteger();
            AtomicInteger refusalsWithWrongBody = new AtomicInteger();
            List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < UPLOADS; i++) {
                    int n = i;
                    fs.add(pool.submit(() -> {
                        try {
                            HttpResponse<byte[]> r = heldPut(child.api, payload(n));
                            status.put(n, r.statusCode());
                            if (r.statusCode() == 503) {
                                if (TestHttp.header(r, "Retry-After") == null) {
                                    refusalsWithoutRetryAfter.incrementAndGet();
                                }
                                JsonNode e = TestHttp.json(r);
                                if (e.get("Code").asInt() != 3 || !e.get("Message").asText().contains("memory pressure")) {
                                    refusalsWithWrongBody.incrementAndGet();
                                }
                            } else if (r.statusCode() != 200) {
                                unexpected.add(n + ": " + r.statusCode() + " " + TestHttp.text(r));
                            }
                        } catch (Exception e) {
                            unexpected.add(n + ": " + e);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(3, TimeUnit.MINUTES);
                }
            }
            String err = child.stderrText();
            assertThat(err).doesNotContain("OutOfMemoryError");
            assertThat(child.process.isAlive()).as("child alive after the flood; stderr:\n" + err).isTrue();
            assertThat(unexpected).isEmpty();
            long ok = status.values().stream().filter(s -> s == 200).count();
            long refused = status.values().stream().filter(s -> s == 503).count();
            System.out.printf("flood: %d uploads of %d bytes, %d concurrent: %d accepted, %d refused with 503%n",
                    UPLOADS, SIZE, CONCURRENCY, ok, refused);
            assertThat(ok + refused).isEqualTo(UPLOADS);
            assertThat(ok).as("some uploads succeed").isPositive();
            assertThat(refused).as("the flood was large enough to be refused").isPositive();
            assertThat(refusalsWithoutRetryAfter.get()).isZero();
            assertThat(refusalsWithWrongBody.get()).isZero();

            // Every acknowledged upload is there, byte for byte.
            for (Map.Entry<Integer, Integer> e : status.entrySet()) {
                if (e.getValue() != 200) {
                    continue;
                }
                byte[] expected = payload(e.getKey());
                HttpResponse<byte[]> got = TestHttp.get(child.gateway, "/ipfs/" + Block.raw(expected).cid() + "?format=raw");
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(got.body()).isEqualTo(expected);
            }

            // Pressure recedes by itself once the flood is over.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int level = -1;
            while (System.nanoTime() < deadline) {
                level = TestHttp.json(TestHttp.get(child.api, "/health")).get("degradationLevel").asInt();
                if (level == 0) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(level).as("degradation level after the flood; /health: %s /debug/memory: %s",
                    TestHttp.text(TestHttp.get(child.api, "/health")), TestHttp.text(TestHttp.get(child.api, "/debug/memory")))
                    .isZero();
            assertThat(TestHttp.put(child.api, "after".getBytes(), "").statusCode()).isEqualTo(200);

            int exit = child.terminate(30);
            assertThat(exit).isEqualTo(143);
            assertThat(child.stderrText()).doesNotContain("OutOfMemoryError").contains("store closed");
        }
    }
}
