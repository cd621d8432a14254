package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.blockstore.HashMismatchException;
import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the S3 store costs in requests, what it remembers and for how long, its disk cache, its memory
 * reservations and its start-up bucket check, against a real S3 server (s3proxy).
 */
class S3StoreTest {
    private static S3ProxyFixture s3;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    @TempDir
    Path tmp;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private S3RequestCounter counter;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.shared();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    /** A test clock that only moves when told to. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private S3Blockstore store(S3StoreOptions.Builder options) {
        counter = new S3RequestCounter();
        S3Settings settings = S3ProxyFixture.settings(s3.endpoint(), "store/" + PREFIXES.incrementAndGet());
        S3Client client = S3Clients.build(settings, counter, S3ProxyFixture.credentials());
        S3Blockstore store = S3Blockstore.owning(client, counter, settings, options.build());
        opened.add(store);
        return store;
    }

    private static Block block(int seed, int size) {
        return TestBlocks.random(seed, size);
    }

    @Test
    void requestsPerOperation() {
        ManualClock clock = new ManualClock();
        S3Blockstore store = store(S3StoreOptions.builder().clock(clock).negativeTtl(Duration.ofSeconds(2)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        store.bindTo(registry);
        Block b = block(1, 4096);

        store.put(b);
        assertThat(counter.snapshot()).as("a new block: one PUT, no HEAD first").containsExactlyEntriesOf(java.util.Map.of("put", 1L));
        store.put(b);
        assertThat(counter.total()).as("a block this node stored: no request").isEqualTo(1);
        assertThat(store.has(b.cid())).isTrue();
        assertThat(store.getSize(b.cid())).isEqualTo(4096);
        assertThat(counter.total()).isEqualTo(1);
        assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(counter.count("get")).isEqualTo(1);

        Cid missing = block(2, 10).cid();
        assertThat(store.has(missing)).isFalse();
        assertThat(store.has(missing)).isFalse();
        assertThatThrownBy(() -> store.get(missing)).isInstanceOf(BlockNotFoundException.class);
        assertThat(counter.count("head")).as("an absence is remembered").isEqualTo(1);
        clock.advance(Duration.ofMillis(2100));
        assertThat(store.has(missing)).isFalse();
        assertThat(counter.count("head")).as("but only for the TTL: another node may write it").isEqualTo(2);

        assertThat(store.delete(b.cid())).isTrue();
        assertThat(counter.count("delete")).isEqualTo(1);
        assertThat(store.has(b.cid())).isFalse();

        assertThat(registry.get("cairn.s3.requests").tag("op", "put").counter().count()).isEqualTo(1);
        assertThat(registry.get("cairn.s3.requests").tag("op", "head").counter().count()).isEqualTo(counter.count("head"));
    }

    @Test
    void aBlockWrittenByAnotherNodeIsSeenOnceTheNegativeAnswerExpires() {
        ManualClock clock = new ManualClock();
        S3Blockstore here = store(S3StoreOptions.builder().clock(clock).negativeTtl(Duration.ofSeconds(5)));
        S3Blockstore there = S3Blockstore.over(client(), new S3RequestCounter(), here.settings(), S3StoreOptions.defaults());
        opened.add(there);
        Block b = block(3, 1000);
        assertThat(here.has(b.cid())).isFalse();
        there.put(b);
        assertThat(here.has(b.cid())).as("within the TTL").isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(here.has(b.cid())).isTrue();
        assertThat(here.get(b.cid()).bytes()).isEqualTo(b.bytes());
    }

    @Test
    void negativeAnswersAreNeverKeptLongerThanFiveSeconds() {
        assertThatThrownBy(() -> S3StoreOptions.builder().negativeTtl(Duration.ofMillis(5001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 s");
    }

    @Test
    void bytesThatDoNotMatchTheirCidAreNeverUploaded() {
        S3Blockstore store = store(S3StoreOptions.builder());
        Block honest = block(4, 100);
        Block liar = Block.of(honest.cid(), new byte[100]);
        assertThatThrownBy(() -> store.put(liar)).isInstanceOf(HashMismatchException.class);
        assertThat(counter.count("put")).isZero();
        assertThat(store.has(honest.cid())).isFalse();
    }

    @Test
    void diskCacheServesHotBlocksWithoutRequestsAndStaysWithinItsBudget() {
        S3DiskCache cache = S3DiskCache.open(tmp.resolve("cache"), 100 * 1024, BlockSizeLimit.DEFAULT);
        S3Blockstore store = store(S3StoreOptions.builder().diskCache(cache));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Block b = block(100 + i, 10 * 1024);
            blocks.add(b);
            store.put(b);
            assertThat(cache.bytes()).isLessThanOrEqualTo(100 * 1024);
        }
        assertThat(cache.evictions()).isEqualTo(10);
        long gets = counter.count("get");
        for (Block b : blocks.subList(10, 20)) {
            assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
        assertThat(counter.count("get")).as("the newest ten come from disk").isEqualTo(gets);
        assertThat(store.get(blocks.get(0).cid()).bytes()).isEqualTo(blocks.get(0).bytes());
        assertThat(counter.count("get")).as("an evicted one from S3").isEqualTo(gets + 1);
        assertThat(cache.bytes()).isLessThanOrEqualTo(100 * 1024);
        store.close();

        S3DiskCache reopened = S3DiskCache.open(tmp.resolve("cache"), 100 * 1024, BlockSizeLimit.DEFAULT);
        opened.add(reopened);
        assertThat(reopened.blocks()).isEqualTo(10);
        assertThat(reopened.bytes()).isEqualTo(100 * 1024);
    }

    @Test
    void aCorruptDiskCacheCopyIsDroppedAndReadFromS3() throws Exception {
        S3DiskCache cache = S3DiskCache.open(tmp.resolve("cache"), 1 << 20, BlockSizeLimit.DEFAULT);
        S3Blockstore store = store(S3StoreOptions.builder().diskCache(cache));
        Block b = block(7, 2048);
        store.put(b);
        Path file;
        try (var files = java.nio.file.Files.walk(cache.directory())) {
            file = files.filter(p -> p.toString().endsWith(".data")).findFirst().orElseThrow();
        }
        byte[] bad = b.bytes().clone();
        bad[100] ^= 1;
        java.nio.file.Files.write(file, bad);
        assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        assertThat(counter.count("get")).isEqualTo(1);
    }

    @Test
    void downloadsAndUploadsReserveTheirBytesWithTheGovernor() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1 << 20);
        S3Blockstore store = store(S3StoreOptions.builder().governor(governor));
        Block small = block(8, 1000);
        store.put(small);
        governor.setUsed(1 << 20); // the budget is spent
        Block big = block(9, 300 * 1024);
        assertThatThrownBy(() -> store.put(big)).isInstanceOf(MemoryPressureException.class);
        assertThat(counter.count("put")).as("refused before anything was sent").isEqualTo(1);
        S3Blockstore reader = S3Blockstore.over(client(), counter, store.settings(), S3StoreOptions.builder().governor(governor).build());
        opened.add(reader);
        assertThatThrownBy(() -> reader.get(small.cid())).isInstanceOf(MemoryPressureException.class);
        governor.setUsed(0);
        assertThat(reader.get(small.cid()).bytes()).isEqualTo(small.bytes());
        assertThat(governor.reservedBytes()).isZero();
    }

    private S3Client client() {
        S3Client c = S3Clients.build(S3ProxyFixture.settings(s3.endpoint(), ""), null, S3ProxyFixture.credentials());
        opened.add(c);
        return c;
    }

    @Test
    void theBucketCheckSaysWhatIsWrong() throws Exception {
        S3Settings good = S3ProxyFixture.settings(s3.endpoint(), "");
        try (S3Client c = S3Clients.build(good, null, S3ProxyFixture.credentials())) {
            S3BucketCheck.verify(c, good);
        }
        S3Settings noBucket = S3Settings.of(s3.endpoint(), "us-east-1", "no-such-bucket", "", true);
        try (S3Client c = S3Clients.build(noBucket, null, S3ProxyFixture.credentials())) {
            assertThatThrownBy(() -> S3BucketCheck.verify(c, noBucket)).isInstanceOf(S3BucketCheckException.class)
                    .hasMessageContaining("does not exist").hasMessageContaining("no-such-bucket")
                    .satisfies(e -> assertThat(((S3BucketCheckException) e).problem())
                            .isEqualTo(S3BucketCheckException.Problem.NO_SUCH_BUCKET));
        }
        try (S3Client c = S3Clients.build(good, null, StaticCredentialsProvider.create(AwsBasicCredentials.create("wrong", "wrong")))) {
            assertThatThrownBy(() -> S3BucketCheck.verify(c, good)).isInstanceOf(S3BucketCheckException.class)
                    .hasMessageContaining("access denied")
                    .satisfies(e -> assertThat(((S3BucketCheckException) e).problem())
                            .isEqualTo(S3BucketCheckException.Problem.ACCESS_DENIED));
        }
        URI nobody = URI.create("http://127.0.0.1:" + S3ProxyFixture.freePort());
        S3Settings unreachable = S3ProxyFixture.settings(nobody, "").withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10));
        try (S3Client c = S3Clients.build(unreachable, null, S3ProxyFixture.credentials())) {
            assertThatThrownBy(() -> S3BucketCheck.verify(c, unreachable)).isInstanceOf(S3BucketCheckException.class)
                    .hasMessageContaining("cannot reach").hasMessageContaining(nobody.toString())
                    .satisfies(e -> assertThat(((S3BucketCheckException) e).problem())
                            .isEqualTo(S3BucketCheckException.Problem.UNREACHABLE));
        }
        assertThat(Cid.v1(Multicodec.RAW, block(1, 1).cid().multihash()).version()).isEqualTo(1);
    }
}
