package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Blockstores;
import io.cairn.blockstore.FlatFsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while uploads are in flight: the server stops accepting, lets the requests it has finish,
 * closes the store, and every upload it acknowledged is on disk afterwards.
 */
class GracefulShutdownTest {
    @TempDir
    Path data;

    static byte[] payload(int i) {
        byte[] b = new byte[32 * 1024 + i];
        new Random(i).nextBytes(b);
        return b;
    }

    @Test
    void sigtermLosesNoAcknowledgedWrite() throws Exception {
        ConcurrentLinkedQueue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        int exit;
        HttpResponse<byte[]> slowAnswer;
        byte[] slowData = payload(150_000);
        try (ChildServer child = new ChildServer(data, List.of("-Xmx256m"), "--shutdown-timeout", "15s")) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch warmedUp = new CountDownLatch(20);
            try (ExecutorService pool = Executors.newFixedThreadPool(9)) {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        for (int i = writer; !stop.get() && i < 100_000; i += 8) {
                            try {
                                HttpResponse<byte[]> r = TestHttp.put(child.api, payload(i), "");
                                if (r.statusCode() == 200) {
                                    assertThat(TestHttp.json(r).get("Key").asText()).isEqualTo(Block.raw(payload(i)).cid().toString());
                                    acknowledged.add(i);
                                    warmedUp.countDown();
                                }
                            } catch (java.io.IOException refused) {
                                return null; // the listener is gone: shutdown has begun
                            }
                        }
                        return null;
                    }));
                }
                assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
                // One upload whose body takes ~2 s to arrive (45 slices of 4 KiB, 40 ms apart) is in flight when SIGTERM lands.
                Future<HttpResponse<byte[]>> slow = pool.submit(() -> TestHttp.send(HttpRequest.newBuilder(
                                child.api.resolve("/api/v0/block/put"))
                        .header("Content-Type", "multipart/form-data; boundary=slowb")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SlowStream(
                                TestHttp.multipart("slowb", List.of(new TestHttp.Part("file", slowData))))))));
                Thread.sleep(500);
                exit = child.terminate(60);
                stop.set(true);
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }
                slowAnswer = slow.get(60, TimeUnit.SECONDS);
            }
            String err = child.stderrText();
            assertThat(exit).as(err).isEqualTo(143);
            assertThat(err).contains("shutting down").contains("stopped; store closed");
        }
        assertThat(slowAnswer.statusCode()).as("the in-flight upload was finished, not cut off").isEqualTo(200);
        assertThat(acknowledged).hasSizeGreaterThan(20);

        // The store is closed (its lock released) and holds every acknowledged block.
        try (Blockstore store = Blockstores.flatFs(data, FlatFsOptions.defaults())) {
            for (int i : acknowledged) {
                byte[] expected = payload(i);
                assertThat(store.get(Block.raw(expected).cid()).bytes()).isEqualTo(expected);
            }
            assertThat(store.get(Block.raw(slowData).cid()).bytes()).isEqualTo(slowData);
        }
    }

    /** Hands out its bytes 4 KiB at a time, 40 ms apart. */
    static final class SlowStream extends InputStream {
        private final byte[] data;
        private int pos;

        SlowStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = Math.min(Math.min(len, 4096), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
