package io.cairn.server;

import io.cairn.blockstore.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 6 of issue 10: {@code JAVA_OPTS=-Xmx128m ./cairn serve --max-memory 1g --cache-size 512m}
 * started without a word, and reading 800 blocks of 256 KiB filled a cache twice the heap's size:
 * reads stopped answering and the log filled with OutOfMemoryError. The sizes are now checked at
 * start (MemorySizing) and clamped with a warning, and the server must answer every read.
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
