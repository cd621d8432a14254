package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockSizeLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 server is killed (SIGKILL) in the middle of a write flood, then started again over the same
 * data. No acknowledged write is lost, nothing is acknowledged while it is down, writes are refused
 * (fast, once the breaker is open) with the retryable {@link S3UnavailableException}, reads of blocks in
 * the disk cache keep working, and the breaker closes by itself when the server is back.
 */
class S3OutageTest {
    @TempDir
    Path tmp;
    private S3ProxyFixture s3;

    @AfterEach
    void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    private static Block block(int seed) {
        byte[] data = new byte[1024 + seed % 4096];
        new Random(seed).nextBytes(data);
        return Block.raw(data);
    }

    @Test
    void killedDuringAFloodLosesNoAcknowledgedWriteAndRecoversByItself() throws Exception {
        s3 = S3ProxyFixture.startNew();
        S3Settings settings = S3ProxyFixture.settings(s3.endpoint(), "outage")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700));
        S3RequestCounter counter = new S3RequestCounter();
        ConcurrentLinkedQueue<Block> acked = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<String, Integer> refusals = new ConcurrentHashMap<>();
        AtomicInteger ackedWhileDown = new AtomicInteger();
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Block> warm = new ArrayList<>();

        try (S3Client client = S3Clients.build(settings, counter, S3ProxyFixture.credentials());
             S3Blockstore store = S3Blockstore.over(client, counter, settings, S3StoreOptions.builder()
                     .breaker(Duration.ofSeconds(1), 10, 5, 50).probeInterval(Duration.ofMillis(200))
                     .diskCache(S3DiskCache.open(tmp.resolve("cache"), 16L << 20, BlockSizeLimit.DEFAULT)).build())) {
            for (int i = 0; i < 20; i++) {
                Block b = block(-1 - i);
                store.put(b);
                warm.add(b);
            }
            ExecutorService writers = Executors.newFixedThreadPool(4);
            AtomicInteger seq = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(writers.submit(() -> {
                    while (!stop.get()) {
                        Block b = block(seq.incrementAndGet());
                        boolean wasDown = down.get();
                        try {
                            store.put(b);
                            acked.add(b);
                            if (wasDown && down.get()) {
                                ackedWhileDown.incrementAndGet();
                            }
                        } catch (S3UnavailableException e) {
                            refusals.merge(S3UnavailableException.class.getSimpleName(), 1, Integer::sum);
                        } catch (RuntimeException e) {
                            refusals.merge(e.getClass().getName() + ": " + e.getMessage(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            try {
                awaitCount(acked, 60);
                s3.kill();
                down.set(true);
                int ackedAtKill = acked.size();

                awaitTrue(store::degraded, "the breaker opens");
                assertThat(store.breakerState()).isEqualTo("OPEN");
                // refused at once while open, and retryable
                assertThatThrownBy(() -> store.put(block(-1000))).isInstanceOf(S3UnavailableException.class)
                        .hasMessageContaining("circuit breaker open")
                        .satisfies(e -> assertThat(((S3UnavailableException) e).retryAfter()).isPositive());
                // cached reads keep working
                for (Block b : warm) {
                    assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
                    assertThat(store.has(b.cid())).isTrue();
                }
                Thread.sleep(500);
                assertThat(acked.size()).as("nothing acknowledged while S3 is down").isLessThanOrEqualTo(ackedAtKill + 4);

                down.set(false);
                s3.start();
                awaitTrue(() -> !store.degraded(), "the breaker closes once S3 is back");
                int ackedAtRestart = acked.size();
                awaitCount(acked, ackedAtRestart + 30);
            } finally {
                stop.set(true);
                for (Future<?> f : futures) {
                    f.get(30, TimeUnit.SECONDS);
                }
                writers.shutdownNow();
            }
        }
        assertThat(ackedWhileDown.get()).isZero();
        assertThat(refusals).containsOnlyKeys(S3UnavailableException.class.getSimpleName());
        assertThat(refusals.get(S3UnavailableException.class.getSimpleName())).isPositive();

        // every acknowledged block is in S3 itself, whole (a fresh store: no cache, nothing remembered)
        try (S3Client client = S3Clients.build(settings, null, S3ProxyFixture.credentials());
             S3Blockstore fresh = S3Blockstore.over(client, new S3RequestCounter(), settings, S3StoreOptions.defaults())) {
            for (Block b : acked) {
                assertThat(fresh.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            for (Block b : warm) {
                assertThat(fresh.has(b.cid())).isTrue();
            }
        }
    }

    private static void awaitCount(ConcurrentLinkedQueue<Block> q, int n) throws InterruptedException {
        awaitTrue(() -> q.size() >= n, n + " acknowledged writes");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
