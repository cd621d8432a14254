package io.cairn.server;

import io.cairn.blockstore.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 6 of issue 10: {@code JAVA_OPTS=-Xmx128m ./cairn serve --max-memory 1g --cache-size 512m}
 * started without a word, and reading 800 blocks of 256 KiB filled a cache twice the heap's size:
 * reads stopped answering and the log filled with OutOfMemoryError. The sizes are now checked at
 * start (MemorySizing) and clamped with a warning, and the server must answer every read, and under
 * an upload flood with the same settings answer throughout, lose no acknowledged write and stop on SIGTERM.
 */
class OversizedMemorySettingsTest {
    private static final int BLOCKS = 800;
    private static final int SIZE = 256 << 10;

    @TempDir
    Path data;

    private static byte[] payload(int n) {
        byte[] b = new byte[SIZE];
        Arrays.fill(b, (byte) n);
        b[0] = (byte) (n >> 8);
        b[1] = (byte) n;
        b[2] = 42;
        return b;
    }

    /** 256 KiB to 2 MiB, different per upload. */
    private static byte[] floodPayload(int n) {
        int size = (256 << 10) + (int) ((n * 2654435761L) % ((7 << 18) + 1));
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (n * 17));
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (n >> (8 * i));
        }
        return b;
    }

    @Test
    void anUploadFloodUnderABudgetFarAboveTheHeapNeverRunsOutOfMemoryAndTheServerAnswersThroughout() throws Exception {
        int writers = 32;
        long floodNanos = TimeUnit.SECONDS.toNanos(8);
        try (ChildServer child = new ChildServer(data, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--max-memory", "1g", "--cache-size", "512m")) {
            List<String> healthFailures = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger healthAnswers = new AtomicInteger();
            AtomicLong slowestHealthMillis = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            // The prober asks /health every 100 ms for as long as the flood runs; each must answer 200.
            Thread prober = Thread.ofPlatform().daemon().name("health-prober").start(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(child.api.resolve("/health"))
                                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            healthFailures.add(r.statusCode() + " " + TestHttp.text(r));
                        } else {
                            healthAnswers.incrementAndGet();
                        }
                    } catch (Exception e) {
                        healthFailures.add(e.toString());
                    }
                    slowestHealthMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            TimedUploadFlood.Result flood;
            try {
                flood = TimedUploadFlood.run(child.api, writers, Duration.ofNanos(floodNanos),
                        OversizedMemorySettingsTest::floodPayload, false);
            } finally {
                stop.set(true);
                prober.join(15_000);
            }
            Map<Integer, Integer> status = flood.status();
            List<String> unexpected = flood.unexpected();
            long acked = flood.acked();
            System.out.printf("oversized settings flood: %d uploads, %d acked, %d refused; /health answered %d times,"
                            + " slowest %d ms%n", status.size(), acked, flood.refused(),
                    healthAnswers.get(), slowestHealthMillis.get());
            String err = child.stderrText();
            assertThat(err).doesNotContain("OutOfMemoryError");
            assertThat(child.process.isAlive()).as("alive after the flood; stderr:\n" + err).isTrue();
            assertThat(unexpected).as("only 200 or 503").isEmpty();
            assertThat(healthFailures).as("/health answered throughout the flood").isEmpty();
            assertThat(healthAnswers.get()).as("/health was asked during the flood").isPositive();
            assertThat(acked).as("some uploads stored").isPositive();
            // Every acknowledged upload reads back byte for byte (the reads also fill the cache).
            for (Map.Entry<Integer, Integer> e : status.entrySet()) {
                if (e.getValue() == 200) {
                    byte[] expected = floodPayload(e.getKey());
                    HttpResponse<byte[]> got = TestHttp.get(child.gateway, "/ipfs/" + Block.raw(expected).cid() + "?format=raw");
                    assertThat(got.statusCode()).as("acknowledged upload %d", e.getKey()).isEqualTo(200);
                    assertThat(Arrays.equals(got.body(), expected)).as("upload %d byte for byte", e.getKey()).isTrue();
                }
            }
            assertThat(child.stderrText()).doesNotContain("OutOfMemoryError");
            // The JVM of the defect hung on SIGTERM after its OutOfMemoryErrors; this one stops.
            assertThat(child.terminate(30)).isEqualTo(143);
            assertThat(child.stderrText()).doesNotContain("OutOfMemoryError").contains("store closed");
        }
    }

    @Test
    void aBudgetFarAboveTheHeapIsClampedAndTheCacheFilledByReadsNeverRunsOutOfMemory() throws Exception {
        try (ChildServer child = new ChildServer(data, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--max-memory", "1g", "--cache-size", "512m")) {
            List<String> cids = new ArrayList<>();
            for (int i = 0; i < BLOCKS; i++) {
                HttpResponse<byte[]> r = TestHttp.put(child.api, payload(i), "");
                int attempts = 0;
                while (r.statusCode() == 503 && attempts++ < 50) {
                    Thread.sleep(100);
                    r = TestHttp.put(child.api, payload(i), "");
                }
                assertThat(r.statusCode()).as("upload %d: %s", i, TestHttp.text(r)).isEqualTo(200);
                cids.add(TestHttp.json(r).get("Key").asText());
            }
            AtomicInteger wrong = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < BLOCKS; i++) {
                    int n = i;
                    fs.add(pool.submit(() -> {
                        try {
                            HttpResponse<byte[]> got = TestHttp.get(child.gateway, "/ipfs/" + cids.get(n) + "?format=raw");
                            if (got.statusCode() != 200) {
                                failures.add(n + ": " + got.statusCode());
                            } else if (!Arrays.equals(got.body(), payload(n))) {
                                wrong.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.add(n + ": " + e);
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
            assertThat(child.process.isAlive()).as("alive after the reads; stderr:\n" + err).isTrue();
            assertThat(failures).as("every read answered").isEmpty();
            assertThat(wrong.get()).isZero();
            assertThat(TestHttp.get(child.api, "/health").statusCode()).isEqualTo(200);
            assertThat(Block.raw(payload(0)).cid().toString()).isEqualTo(cids.get(0));

        }
    }
}
