package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults between Cairn and a real S3 server (s3proxy), injected by {@link FaultProxy}: throttling
 * ({@code 503 SlowDown}), connection resets, added latency past the timeouts, truncated and corrupted
 * bodies. Nothing corrupt is ever served, and every refusal is the retryable {@link S3UnavailableException}.
 */
class S3FaultTest {
    private static S3ProxyFixture s3;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private FaultProxy proxy;
    private S3Client client;
    private S3RequestCounter counter;
    private S3Blockstore store;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.shared();
    }

    @BeforeEach
    void open() throws Exception {
        proxy = new FaultProxy(s3.port());
        counter = new S3RequestCounter();
        // 3 attempts per call, 1 s per attempt, 4 s per call: small enough to keep the test short
        S3Settings settings = S3ProxyFixture.settings(proxy.endpoint(), "fault/" + PREFIXES.incrementAndGet())
                .withTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(1));
        client = S3Clients.build(settings, counter, S3ProxyFixture.credentials());
        store = S3Blockstore.over(client, counter, settings, S3StoreOptions.builder()
                .breaker(Duration.ofSeconds(1), 6, 3, 50).probeInterval(Duration.ofMillis(200)).build());
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        client.close();
        proxy.close();
    }

    private static Block block(int seed, int size) {
        return TestBlocks.random(seed, size);
    }

    @Test
    void slowDownIsRetriedWithBackoff() {
        Block b = block(1, 4096);
        proxy.inject(FaultProxy.Fault.SLOW_DOWN, 2);
        store.put(b);
        assertThat(proxy.injected()).isEqualTo(2);
        assertThat(counter.count("put")).isEqualTo(3);
        assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
    }

    @Test
    void slowDownPastTheRetriesIsARetryableRefusalAndNothingIsAcknowledged() {
        Block b = block(2, 4096);
        proxy.inject(FaultProxy.Fault.SLOW_DOWN, -1);
        assertThatThrownBy(() -> store.put(b)).isInstanceOf(S3UnavailableException.class)
                .hasMessageContaining("PUT")
                .satisfies(e -> assertThat(((S3UnavailableException) e).retryAfter()).isPositive());
        assertThat(counter.count("put")).isEqualTo(3);
        proxy.heal();
        assertThat(store.has(b.cid())).isFalse();
    }

    @Test
    void connectionResetsAreRetried() {
        Block b = block(3, 256 * 1024);
        proxy.inject(FaultProxy.Fault.RESET, 2);
        store.put(b);
        proxy.inject(FaultProxy.Fault.RESET, 2);
        Cid other = Cid.v0(b.cid().multihash());
        assertThat(fresh().get(other).bytes()).isEqualTo(b.bytes());
        assertThat(proxy.injected()).isEqualTo(4);
    }

    @Test
    void aTruncatedBodyIsFetchedOnceMore() {
        Block b = block(4, 64 * 1024);
        store.put(b);
        S3Blockstore reader = fresh();
        proxy.inject(FaultProxy.Fault.TRUNCATE, 1);
        assertThat(reader.get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(proxy.injected()).isEqualTo(1);
        assertThat(reader.refetchedObjects()).isEqualTo(1);
        assertThat(reader.corruptObjects()).isZero();
    }

    @Test
    void anObjectTruncatedTwiceIsReportedAndAnsweredAsMissing() {
        Block b = block(5, 64 * 1024);
        store.put(b);
        S3Blockstore reader = fresh();
        proxy.inject(FaultProxy.Fault.TRUNCATE, -1);
        assertThatThrownBy(() -> reader.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(reader.corruptObjects()).isEqualTo(1);
        assertThat(counter.count("get")).isEqualTo(2);
        proxy.heal();
        // nothing bad was remembered: once the path is healthy the block reads whole
        assertThat(reader.get(b.cid()).bytes()).isEqualTo(b.bytes());
    }

    @Test
    void corruptBytesAreNeverServed() {
        Block b = block(6, 4096);
        store.put(b);
        S3Blockstore reader = fresh();
        proxy.inject(FaultProxy.Fault.CORRUPT, 1);
        assertThat(reader.get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(reader.refetchedObjects()).isEqualTo(1);
        proxy.inject(FaultProxy.Fault.CORRUPT, -1);
        S3Blockstore second = fresh();
        assertThatThrownBy(() -> second.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThatThrownBy(() -> second.view(b.cid(), buf -> buf.remaining())).isInstanceOf(BlockNotFoundException.class);
        assertThat(second.corruptObjects()).isEqualTo(2);
    }

    @Test
    void addedLatencyBelowTheTimeoutOnlySlowsDown() {
        Block b = block(7, 4096);
        proxy.latency(300, -1);
        store.put(b);
        assertThat(fresh().get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(proxy.injected()).isGreaterThanOrEqualTo(2);
        assertThat(store.degraded()).isFalse();
    }

    @Test
    void latencyPastTheTimeoutFailsTheCallThenOpensTheBreakerWhichClosesWhenS3Recovers() throws Exception {
        S3Settings quick = store.settings().withTimeouts(Duration.ofMillis(1200), Duration.ofMillis(300));
        try (S3Client c = S3Clients.build(quick, counter, S3ProxyFixture.credentials());
             S3Blockstore s = S3Blockstore.over(c, counter, quick, S3StoreOptions.builder()
                     .breaker(Duration.ofSeconds(1), 6, 3, 50).probeInterval(Duration.ofMillis(200)).build())) {
            proxy.latency(1_500, -1);
            int refused = 0;
            for (int i = 0; i < 3; i++) {
                try {
                    s.put(block(100 + i, 4096));
                } catch (S3UnavailableException e) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(3);
            assertThat(s.degraded()).isTrue();
            assertThat(s.breakerState()).isEqualTo("OPEN");
            int before = proxy.requests();
            assertThatThrownBy(() -> s.put(block(200, 4096))).isInstanceOf(S3UnavailableException.class)
                    .hasMessageContaining("circuit breaker open");
            assertThat(proxy.requests()).as("an open breaker sends nothing").isEqualTo(before);

            proxy.heal();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (s.degraded() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(s.breakerState()).isEqualTo("CLOSED");
            Block after = block(201, 4096);
            s.put(after);
            assertThat(fresh().get(after.cid()).bytes()).isEqualTo(after.bytes());
        }
    }

    /** Another store over the same prefix, with nothing remembered. */
    private S3Blockstore fresh() {
        S3Blockstore s = S3Blockstore.over(client, counter, store.settings(), S3StoreOptions.defaults());
        opened.add(s);
        return s;
    }

    private final java.util.List<S3Blockstore> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeFresh() {
        opened.forEach(S3Blockstore::close);
    }
}
