package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

/**
 * What every {@link Blockstore} must do. Each concrete store's test extends this and supplies fresh,
 * empty stores.
 */
abstract class BlockstoreContractTest {
    private final List<Blockstore> opened = new ArrayList<>();

    /** A new, empty store with the given block size limit. */
    protected abstract Blockstore create(BlockSizeLimit limit) throws Exception;

    protected Blockstore newStore() throws Exception {
        return newStore(BlockSizeLimit.DEFAULT);
    }

    protected Blockstore newStore(BlockSizeLimit limit) throws Exception {
        Blockstore s = create(limit);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Blockstore::close);
    }

    static Block text(String s) {
        return Block.raw(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void putThenGetReturnsTheSameBytesUnderTheRequestedCid() throws Exception {
        Blockstore store = newStore();
        Block b = text("Hello Mars!\n");
        assertThat(b.cid()).hasToString("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4");
        assertThat(store.has(b.cid())).isFalse();

        store.put(b);

        assertThat(store.has(b.cid())).isTrue();
        Block got = store.get(b.cid());
        assertThat(got.cid()).isEqualTo(b.cid());
        assertThat(got.bytes()).isEqualTo("Hello Mars!\n".getBytes(StandardCharsets.UTF_8));
        assertThat(store.getSize(b.cid())).isEqualTo(12);
    }

    @Test
    void keysAreMultihashesSoTwoCodecsShareOneEntry() throws Exception {
        Blockstore store = newStore();
        Block raw = text("Hello Venus!\n");
        Cid dagPb = Cid.v1(Multicodec.DAG_PB, raw.cid().multihash());
        Cid v0 = Cid.v0(raw.cid().multihash());
        assertThat(v0).hasToString("QmdnpnsaEj69isdw5sNzp3h3HkaDz7xKq7BmvFFBzNr5e7");

        store.put(raw);
        store.put(Block.of(dagPb, raw.bytes()));

        assertThat(store.has(dagPb)).isTrue();
        assertThat(store.has(v0)).isTrue();
        assertThat(store.get(v0).cid()).isEqualTo(v0);
        assertThat(store.get(dagPb).cid()).isEqualTo(dagPb);
        assertThat(store.get(dagPb).bytes()).isEqualTo(raw.bytes());
        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.toList()).containsExactly(Cid.v1(Multicodec.RAW, raw.cid().multihash()));
        }
        assertThat(store.delete(v0)).isTrue();
        assertThat(store.has(raw.cid())).isFalse();
    }

    @Test
    void missingBlocksAreReportedWithTheirCid() throws Exception {
        Blockstore store = newStore();
        Cid missing = text("never stored").cid();
        assertThat(store.has(missing)).isFalse();
        assertThatThrownBy(() -> store.get(missing)).isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .satisfies(e -> assertThat(((BlockNotFoundException) e).cid()).isEqualTo(missing));
        assertThatThrownBy(() -> store.getSize(missing)).isInstanceOf(BlockNotFoundException.class);
        assertThat(store.delete(missing)).isFalse();
        if (store instanceof Viewer v) {
            assertThatThrownBy(() -> v.view(missing, ByteBuffer::remaining)).isInstanceOf(BlockNotFoundException.class);
        }
    }

    @Test
    void putIsIdempotent() throws Exception {
        Blockstore store = newStore();
        Block b = text("twice");
        store.put(b);
        store.put(b);
        store.putMany(List.of(b, b));
        assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.count()).isEqualTo(1);
        }
    }

    @Test
    void emptyBlockIsABlock() throws Exception {
        Blockstore store = newStore();
        Block empty = Block.raw(new byte[0]);
        store.put(empty);
        assertThat(store.has(empty.cid())).isTrue();
        assertThat(store.getSize(empty.cid())).isZero();
        assertThat(store.get(empty.cid()).size()).isZero();
    }

    @Test
    void deleteRemovesOnlyThatBlock() throws Exception {
        Blockstore store = newStore();
        Block a = text("a");
        Block b = text("b");
        store.putMany(List.of(a, b));
        assertThat(store.delete(a.cid())).isTrue();
        assertThat(store.delete(a.cid())).isFalse();
        assertThat(store.has(a.cid())).isFalse();
        assertThat(store.has(b.cid())).isTrue();
        store.put(a);
        assertThat(store.get(a.cid()).bytes()).isEqualTo(a.bytes());
    }

    @Test
    void allKeysListsEveryStoredMultihashAsRawCidV1() throws Exception {
        Blockstore store = newStore();
        Set<Cid> expected = new HashSet<>();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Block b = text("block " + i);
            blocks.add(b);
            expected.add(b.cid());
        }
        // one under another codec and hash function: it is listed by its multihash with the raw codec
        byte[] cbor = {(byte) 0xa0};
        Cid dagCbor = Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_512, cbor);
        blocks.add(Block.verified(dagCbor, cbor));
        expected.add(Cid.v1(Multicodec.RAW, dagCbor.multihash()));
        store.putMany(blocks);

        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.collect(Collectors.toSet())).isEqualTo(expected);
        }
        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.allMatch(c -> c.version() == 1 && c.codec() == Multicodec.RAW)).isTrue();
        }
        // a partially consumed stream closes cleanly
        try (Stream<Cid> keys = store.allKeys()) {
            assertThat(keys.limit(3).count()).isEqualTo(3);
        }
    }

    @Test
    void sizeLimitDefaultsToTwoMebibytesAndNamesSizeAndLimit() throws Exception {
        Blockstore store = newStore();
        Block atLimit = Block.raw(new byte[2_097_152]);
        Block overLimit = Block.raw(new byte[2_097_153]);

        store.put(atLimit);
        assertThat(store.getSize(atLimit.cid())).isEqualTo(2_097_152);
        assertThatThrownBy(() -> store.put(overLimit)).isInstanceOf(BlockTooLargeException.class)
                .hasMessageContaining("2097153").hasMessageContaining("2097152")
                .satisfies(e -> {
                    assertThat(((BlockTooLargeException) e).size()).isEqualTo(2_097_153);
                    assertThat(((BlockTooLargeException) e).limit()).isEqualTo(2_097_152);
                });
        assertThat(store.has(overLimit.cid())).isFalse();
    }

    @Test
    void putManyChecksEverySizeBeforeWritingAny() throws Exception {
        Blockstore store = newStore(BlockSizeLimit.of(10));
        Block small = Block.raw(new byte[10]);
        Block big = Block.raw(new byte[11]);
        assertThatThrownBy(() -> store.putMany(List.of(small, big))).isInstanceOf(BlockTooLargeException.class)
                .hasMessageContaining("11").hasMessageContaining("10");
        assertThat(store.has(small.cid())).isFalse();
        store.put(small);
        assertThat(store.has(small.cid())).isTrue();
    }

    @Test
    void viewLendsTheBytesReadOnly() throws Exception {
        Blockstore store = newStore();
        Block b = text("viewed");
        store.put(b);
        Viewer viewer = (Viewer) store;
        String seen = viewer.view(b.cid(), buf -> {
            assertThat(buf.isReadOnly()).isTrue();
            byte[] copy = new byte[buf.remaining()];
            buf.get(copy);
            return new String(copy, StandardCharsets.UTF_8);
        });
        assertThat(seen).isEqualTo("viewed");
    }

    @Test
    void closedStoreRefusesOperations() throws Exception {
        Blockstore store = newStore();
        Block b = text("x");
        store.put(b);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.get(b.cid())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.put(b)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.has(b.cid())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(store::allKeys).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void gcLockExcludesPinsAndPinsShare() throws Exception {
        GcLocker locker = (GcLocker) newStore();
        try (GcLocker.Unlock p1 = locker.pinLock(); GcLocker.Unlock p2 = locker.pinLock()) {
            assertThat(locker.gcRequested()).isFalse();
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                AtomicBoolean collected = new AtomicBoolean();
                Future<?> gc = ex.submit(() -> {
                    GcLocker.Unlock g = locker.gcLock();
                    collected.set(true);
                    g.close();
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!locker.gcRequested() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(locker.gcRequested()).isTrue();
                assertThat(collected).isFalse();
                p1.close();
                p1.close(); // a second close must not release someone else's hold
                Thread.sleep(50);
                assertThat(collected).isFalse();
                p2.close();
                gc.get(10, TimeUnit.SECONDS);
                assertThat(collected).isTrue();
                assertThat(locker.gcRequested()).isFalse();
            } finally {
                ex.shutdownNow();
            }
        }
    }

    /**
     * Threads put, get, delete and enumerate over a small key space. Invariants: a get returns either
     * the block's exact bytes or not-found, never anything else; getSize agrees; enumeration never
     * yields a key outside the space; a key whose last operation was put (and no concurrent delete)
     * is present at the end.
     */
    @Test
    void concurrentPutGetDeleteKeepsEveryBlockWholeOrAbsent() throws Exception {
        Blockstore store = newStore();
        int keys = 64;
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            byte[] data = new byte[1 + (i * 997) % 20_000];
            for (int j = 0; j < data.length; j++) {
                data[j] = (byte) (i * 31 + j);
            }
            blocks.add(Block.raw(data));
        }
        Set<Cid> space = blocks.stream().map(b -> Cid.v1(Multicodec.RAW, b.cid().multihash())).collect(Collectors.toSet());
        int threads = 4;
        int opsPerThread = 1_500;
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        ConcurrentHashMap<String, Throwable> failures = new ConcurrentHashMap<>();
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(ex.submit(() -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    try {
                        start.await();
                        for (int op = 0; op < opsPerThread; op++) {
                            Block b = blocks.get(rnd.nextInt(keys));
                            switch (rnd.nextInt(10)) {
                                case 0, 1, 2 -> store.put(b);
                                case 3 -> store.delete(b.cid());
                                case 4 -> store.putMany(List.of(b, blocks.get(rnd.nextInt(keys))));
                                case 5 -> {
                                    if (op % 100 == 0) {
                                        try (Stream<Cid> all = store.allKeys()) {
                                            all.forEach(c -> {
                                                if (!space.contains(c)) {
                                                    failures.put("unknown key " + c, new AssertionError(c));
                                                }
                                            });
                                        }
                                    }
                                }
                                case 6 -> {
                                    try {
                                        int size = store.getSize(b.cid());
                                        if (size != b.size()) {
                                            failures.put("size of " + b.cid(), new AssertionError(size + " != " + b.size()));
                                        }
                                    } catch (BlockNotFoundException e) {
                                        // deleted concurrently: allowed
                                    }
                                }
                                default -> {
                                    try {
                                        Block got = store.get(b.cid());
                                        reads.incrementAndGet();
                                        if (!java.util.Arrays.equals(got.bytes(), b.bytes())) {
                                            failures.put("bytes of " + b.cid(), new AssertionError("corrupt read"));
                                        }
                                    } catch (BlockNotFoundException e) {
                                        // deleted concurrently: allowed
                                    }
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.put(e.toString(), e);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            ex.shutdownNow();
        }
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();

        // Quiescent now: the store agrees with itself, and a final put makes every block readable.
        Set<Cid> listed;
        try (Stream<Cid> all = store.allKeys()) {
            listed = all.collect(Collectors.toSet());
        }
        for (Block b : blocks) {
            assertThat(store.has(b.cid())).isEqualTo(listed.contains(Cid.v1(Multicodec.RAW, b.cid().multihash())));
        }
        store.putMany(blocks);
        for (Block b : blocks) {
            assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
    }

    @Test
    void blocksWithUnnamedCodecsAndOtherHashesAreStillKeys() throws Exception {
        Blockstore store = newStore();
        byte[] data = "exotic".getBytes(StandardCharsets.UTF_8);
        Cid odd = Cid.v1(0x300001L, Multihash.digest(HashFunction.BLAKE3, data));
        store.put(Block.verified(odd, data));
        assertThat(store.get(odd).bytes()).isEqualTo(data);
        Cid truncated = Cid.v1(Multicodec.RAW, Multihash.digest(HashFunction.SHA3_512, data, 20));
        store.put(Block.verified(truncated, data));
        assertThat(store.getSize(truncated)).isEqualTo(data.length);
    }
}
