package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.PressureListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transfer path against s3proxy (through {@link FaultProxy} where a transfer must be caught in
 * flight): what is hashed, what is sent, and what the governor is asked for and for how long.
 */
class S3TransferTest {
    private static S3ProxyFixture s3;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private FaultProxy proxy;
    private S3Settings settings;
    private S3RequestCounter counter;
    private RecordingGovernor governor;
    /** A thread per caller (the common pool has one thread on a two-core machine). */
    private final java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.shared();
    }

    @BeforeEach
    void open() throws Exception {
        proxy = new FaultProxy(s3.port());
        settings = S3ProxyFixture.settings(proxy.endpoint(), "transfer/" + PREFIXES.incrementAndGet());
        counter = new S3RequestCounter();
        governor = new RecordingGovernor(64L << 20);
    }

    @AfterEach
    void close() throws Exception {
        proxy.release();
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        proxy.close();
        callers.shutdownNow();
    }

    private S3Blockstore store(S3Settings s) {
        S3Client client = S3Clients.build(s, counter, S3ProxyFixture.credentials());
        S3Blockstore store = S3Blockstore.owning(client, counter, s, S3StoreOptions.builder().governor(governor).build());
        opened.add(store);
        return store;
    }

    private static Block block(int seed, int size) {
        return TestBlocks.random(seed, size);
    }

    // ---- what is hashed and what is sent ----

    @Test
    void aBlockAlreadyVerifiedIsNotHashedAgainBeforeUpload() {
        S3Blockstore store = store(settings);
        byte[] data = block(1, 4096).bytes().clone();
        Block verified = Block.raw(data);
        assertThat(verified.isVerified()).isTrue();
        // Against Block's contract, change the array after the block was made and checked: only a
        // second hash before the upload could notice. None is made, so the upload goes through...
        data[0] ^= 1;
        store.put(verified);
        assertThat(counter.count("put")).isEqualTo(1);
        // ...and the check on the way back, which is not skipped, refuses the bytes S3 holds.
        S3Blockstore reader = store(settings);
        assertThatThrownBy(() -> reader.get(verified.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(reader.corruptObjects()).isEqualTo(1);
    }

    @Test
    void anUnverifiedBlockIsStillHashedOnceBeforeUpload() {
        S3Blockstore store = store(settings);
        Block honest = block(2, 4096);
        Block unchecked = Block.of(honest.cid(), honest.bytes().clone());
        assertThat(unchecked.isVerified()).isFalse();
        store.put(unchecked);
        Block liar = Block.of(block(3, 10).cid(), new byte[10]);
        assertThatThrownBy(() -> store.put(liar)).isInstanceOf(io.cairn.blockstore.HashMismatchException.class);
        assertThat(counter.count("put")).as("only the honest block was sent").isEqualTo(1);
    }

    @Test
    void uploadsAreSentWholeAndSignedWithTheBlocksOwnSha256() {
        S3Blockstore store = store(settings);
        Block b = block(4, 300 * 1024); // more than two 128 KiB aws-chunked chunks
        store.put(b);
        List<String> puts = proxy.heads().stream().filter(h -> h.startsWith("PUT ")).toList();
        assertThat(puts).hasSize(1);
        String head = puts.getFirst().toLowerCase(java.util.Locale.ROOT);
        String digest = HexFormat.of().formatHex(b.cid().multihash().digest());
        assertThat(head).as("the whole body signed by its SHA-256, which is the CID's digest")
                .contains("x-amz-content-sha256: " + digest + "\r\n")
                .contains("content-length: " + b.size() + "\r\n")
                .doesNotContain("aws-chunked").doesNotContain("x-amz-decoded-content-length");
        assertThat(store(settings).get(b.cid()).bytes()).isEqualTo(b.bytes());
    }

    @Test
    void smallUploadsAreSentAtOnceAndOnlyLargeOnesAwait100Continue() {
        S3Blockstore store = store(settings);
        Block small = block(40, 4096);
        Block medium = block(41, 256 * 1024);
        Block large = block(42, (int) S3Clients.EXPECT_CONTINUE_THRESHOLD);
        store.put(small);
        store.put(medium);
        store.put(large);
        List<String> puts = proxy.heads().stream().filter(h -> h.startsWith("PUT ")).toList();
        assertThat(puts).hasSize(3);
        // Apache's own expect-continue would put the header on all three: a round trip per small PUT
        assertThat(puts.get(0).toLowerCase(java.util.Locale.ROOT)).as("4 KiB").doesNotContain("expect:");
        assertThat(puts.get(1).toLowerCase(java.util.Locale.ROOT)).as("256 KiB").doesNotContain("expect:");
        assertThat(puts.get(2).toLowerCase(java.util.Locale.ROOT)).as("1 MiB").contains("expect: 100-continue\r\n");
        S3Blockstore reader = store(settings);
        for (Block b : List.of(small, medium, large)) {
            assertThat(reader.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
    }

    @Test
    void downloadsAreHashedOnceByCairnNotAgainByTheSdk() {
        S3Blockstore store = store(settings);
        Block b = block(43, 256 * 1024);
        store.put(b);
        proxy.inject(FaultProxy.Fault.WRONG_CHECKSUM, -1);
        // the control: a GET asking for S3's checksum on a client validating it sees the wrong header
        try (S3Client validating = S3Client.builder().endpointOverride(settings.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(settings.region()))
                .credentialsProvider(S3ProxyFixture.credentials()).forcePathStyle(true)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_SUPPORTED)
                .build()) {
            assertThatThrownBy(() -> validating.getObjectAsBytes(r -> r.bucket(settings.bucket())
                    .key(new S3Layout(settings.prefix()).objectKey(b.cid().multihash()))
                    .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED)))
                    .hasMessageContaining("checksum");
        }
        // Cairn's client neither asks for S3's checksum nor computes one: the CID's hash is the only one
        S3Blockstore reader = store(settings);
        Block got = reader.get(b.cid());
        assertThat(got.bytes()).isEqualTo(b.bytes());
        assertThat(reader.corruptObjects()).isZero();
        List<String> gets = proxy.heads().stream().filter(h -> h.startsWith("GET ")).toList();
        assertThat(gets).hasSize(2);
        assertThat(gets.getFirst().toLowerCase(java.util.Locale.ROOT)).as("the validating control asks").contains("x-amz-checksum-mode");
        assertThat(gets.getLast().toLowerCase(java.util.Locale.ROOT)).as("Cairn does not").doesNotContain("x-amz-checksum-mode");
    }

    @Test
    void aDownloadComesOutVerifiedInOneArrayOfItsLength() {
        S3Blockstore store = store(settings);
        Block b = block(5, 200_000);
        store.put(b);
        S3Blockstore reader = store(settings);
        Block got = reader.get(b.cid());
        assertThat(got.bytes()).isEqualTo(b.bytes());
        assertThat(got.isVerified()).as("no layer above hashes it again").isTrue();
        assertThat(reader.downloadBuffers()).isEqualTo(1);
        assertThat(governor.reservations()).containsExactly((long) b.size(), (long) b.size());
    }

    @Test
    void aCidWhoseHashCairnCannotComputeIsRefusedWithoutBlamingS3() {
        S3Blockstore store = store(settings);
        io.cairn.cid.Cid odd = io.cairn.cid.Cid.v1(io.cairn.cid.Multicodec.RAW,
                io.cairn.cid.Multihash.of(0x300001L, new byte[32]));
        try (S3Client other = S3Clients.build(settings, null, S3ProxyFixture.credentials())) {
            // an object under that name, written by some other tool: the GET itself succeeds
            other.putObject(b -> b.bucket(settings.bucket()).key(new S3Layout(settings.prefix()).objectKey(odd.multihash())),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[10]));
        }
        for (int i = 0; i < 8; i++) {
            assertThatThrownBy(() -> store.get(odd)).isInstanceOf(io.cairn.blockstore.BlockstoreException.class)
                    .isNotInstanceOf(S3UnavailableException.class).hasMessageContaining("not supported");
        }
        assertThat(store.degraded()).as("the breaker did not count it as S3 failing").isFalse();
    }

    // ---- what the governor is asked for, and for how long ----

    @Test
    void downloadsReserveTheirContentLengthWhileTheyStreamAndReleaseItAfter() throws Exception {
        S3Blockstore store = store(settings);
        Block a = block(6, 200_000);
        Block b = block(7, 70_000);
        store.putMany(List.of(a, b));
        governor.clear();
        S3Blockstore reader = store(settings);
        proxy.hold(-1); // every GET body stops halfway
        CompletableFuture<Block> ga = CompletableFuture.supplyAsync(() -> reader.get(a.cid()), callers);
        CompletableFuture<Block> gb = CompletableFuture.supplyAsync(() -> reader.get(b.cid()), callers);
        awaitInFlight(reader, a.size() + b.size());
        assertThat(governor.reservedBytes()).as("reserved = held by the downloads in flight").isEqualTo(a.size() + b.size());
        proxy.release();
        assertThat(ga.get(20, TimeUnit.SECONDS).bytes()).isEqualTo(a.bytes());
        assertThat(gb.get(20, TimeUnit.SECONDS).bytes()).isEqualTo(b.bytes());
        assertThat(governor.reservedBytes()).isZero();
        assertThat(reader.transferBytesInFlight()).isZero();
        assertThat(governor.reservations()).containsExactlyInAnyOrder((long) a.size(), (long) b.size());
        assertThat(governor.maxReserved()).isEqualTo(a.size() + b.size());
    }

    @Test
    void uploadsReserveTheBlockUntilS3AnswersAndReleaseItAfter() throws Exception {
        S3Blockstore store = store(settings);
        Block a = block(8, 150_000);
        Block b = block(9, 5_000);
        proxy.hold(-1); // answers to PUTs wait
        CompletableFuture<Void> pa = CompletableFuture.runAsync(() -> store.put(a), callers);
        CompletableFuture<Void> pb = CompletableFuture.runAsync(() -> store.put(b), callers);
        awaitInFlight(store, a.size() + b.size());
        assertThat(governor.reservedBytes()).isEqualTo(a.size() + b.size());
        proxy.release();
        pa.get(20, TimeUnit.SECONDS);
        pb.get(20, TimeUnit.SECONDS);
        assertThat(governor.reservedBytes()).isZero();
        assertThat(store.transferBytesInFlight()).isZero();
        assertThat(governor.reservations()).containsExactlyInAnyOrder((long) a.size(), (long) b.size());
    }

    @Test
    void reservationsAreReleasedAfterFailures() {
        S3Blockstore store = store(settings);
        Block kept = block(10, 60_000);
        store.put(kept);
        proxy.inject(FaultProxy.Fault.SLOW_DOWN, -1);
        assertThatThrownBy(() -> store.put(block(11, 40_000))).isInstanceOf(S3UnavailableException.class);
        assertThat(governor.reservedBytes()).isZero();
        proxy.heal();

        proxy.inject(FaultProxy.Fault.TRUNCATE, -1);
        S3Blockstore reader = store(settings);
        governor.clear();
        assertThatThrownBy(() -> reader.get(kept.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(governor.reservations()).as("one per GET, each exactly the declared length")
                .containsExactly(60_000L, 60_000L);
        assertThat(governor.reservedBytes()).isZero();
        assertThat(reader.transferBytesInFlight()).isZero();

        proxy.inject(FaultProxy.Fault.CORRUPT, -1);
        assertThatThrownBy(() -> reader.get(kept.cid())).isInstanceOf(BlockNotFoundException.class);
        assertThat(governor.reservedBytes()).isZero();
    }

    @Test
    void reservationsAreReleasedAfterTimeouts() {
        S3Settings quick = settings.withTimeouts(Duration.ofMillis(1500), Duration.ofMillis(400));
        S3Blockstore store = store(quick);
        Block kept = block(12, 90_000);
        store.put(kept);
        S3Blockstore reader = store(quick);
        proxy.hold(-1); // never released within the call's time limit
        assertThatThrownBy(() -> reader.get(kept.cid())).isInstanceOf(S3UnavailableException.class);
        assertThat(governor.reservedBytes()).as("a download timed out mid-body").isZero();
        assertThat(reader.transferBytesInFlight()).isZero();
        assertThatThrownBy(() -> store.put(block(13, 30_000))).isInstanceOf(S3UnavailableException.class);
        assertThat(governor.reservedBytes()).as("an upload whose answer never came").isZero();
        assertThat(store.transferBytesInFlight()).isZero();
        proxy.release();
    }

    private static void awaitInFlight(S3Blockstore store, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.transferBytesInFlight() != bytes && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.transferBytesInFlight()).isEqualTo(bytes);
    }

    /** A manual governor that records every reservation asked of it and the most ever held at once. */
    static final class RecordingGovernor implements MemoryGovernor {
        private final ManualMemoryGovernor inner;
        private final List<Long> asked = new CopyOnWriteArrayList<>();
        private final AtomicLong max = new AtomicLong();

        RecordingGovernor(long budget) {
            inner = new ManualMemoryGovernor(budget);
        }

        List<Long> reservations() {
            return List.copyOf(asked);
        }

        long maxReserved() {
            return max.get();
        }

        void clear() {
            asked.clear();
            max.set(0);
        }

        @Override
        public Reservation tryReserve(long bytes) {
            Reservation r = inner.tryReserve(bytes);
            asked.add(bytes);
            max.accumulateAndGet(inner.reservedBytes(), Math::max);
            return r;
        }

        @Override
        public long reservedBytes() {
            return inner.reservedBytes();
        }

        @Override
        public PressureLevel level() {
            return inner.level();
        }

        @Override
        public MemoryStats stats() {
            return inner.stats();
        }

        @Override
        public long budgetBytes() {
            return inner.budgetBytes();
        }

        @Override
        public Registration addListener(PressureListener listener) {
            return inner.addListener(listener);
        }

        @Override
        public Registration registerConsumer(String name, Residence residence, LongSupplier bytes) {
            return inner.registerConsumer(name, residence, bytes);
        }

        @Override
        public GcRequestResult requestGc() {
            return inner.requestGc();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
