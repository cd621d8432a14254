package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.pin.GarbageCollector;
import io.cairn.pin.PinStore;
import io.cairn.pin.Pinner;
import io.cairn.pin.SweepGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins shared in the bucket, against a real S3 server (s3proxy): two nodes' stores over one bucket
 * and prefix see each other's pins, conditional writes give "added" to exactly one of two nodes
 * pinning at once, and a collection on one node keeps what the other pinned.
 */
class S3PinStoreTest {
    private static S3ProxyFixture s3;
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private final List<AutoCloseable> opened = new ArrayList<>();

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

    private static S3Settings settings(String prefix) {
        return S3ProxyFixture.settings(s3.endpoint(), prefix);
    }

    private S3PinStore pins(String prefix) {
        S3Client client = S3Clients.build(settings(prefix), null, S3ProxyFixture.credentials());
        opened.add(client);
        return S3PinStore.over(client, settings(prefix));
    }

    private S3Blockstore store(String prefix) {
        S3RequestCounter counter = new S3RequestCounter();
        S3Client client = S3Clients.build(settings(prefix), counter, S3ProxyFixture.credentials());
        S3Blockstore store = S3Blockstore.owning(client, counter, settings(prefix), S3StoreOptions.builder().build());
        opened.add(store);
        return store;
    }

    private static String prefix() {
        return "pins-test/" + PREFIXES.incrementAndGet();
    }

    private static Block raw(String text) {
        return Block.raw(text.getBytes());
    }

    private static Block node(List<Cid> links, String salt) {
        byte[] b = DagCbor.encode(Map.of("l", links, "s", salt));
        return Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, b), b);
    }

    @Test
    void pinsOfOneNodeAreSeenByAnotherOverTheSameBucket() {
        String prefix = prefix();
        S3PinStore a = pins(prefix);
        S3PinStore b = pins(prefix);
        Cid r = raw("r").cid();
        Cid d = raw("d").cid();
        assertThat(a.addRecursive(r)).isTrue();
        assertThat(a.addDirect(d)).isTrue();
        assertThat(b.isRecursive(r)).isTrue();
        assertThat(b.isDirect(d)).isTrue();
        assertThat(b.isDirect(r)).isFalse();
        assertThat(b.snapshot().recursive()).containsExactly(r);
        assertThat(b.snapshot().direct()).containsExactly(d);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.addRecursive(r)).as("already pinned on the other node").isFalse();

        // a direct pin upgraded to recursive on B: A sees one recursive pin, no direct one
        assertThat(b.addRecursive(d)).isTrue();
        assertThat(a.isDirect(d)).isFalse();
        assertThat(a.snapshot().recursive()).containsExactlyInAnyOrder(r, d);
        assertThat(a.snapshot().direct()).isEmpty();

        assertThat(a.removeRecursive(r)).isTrue();
        assertThat(b.removeRecursive(r)).as("removed already on A").isFalse();
        assertThat(b.isRecursive(r)).isFalse();
        assertThat(pins(prefix()).size()).as("another prefix holds no pins").isZero();
    }

    @Test
    void ofTwoNodesPinningOneCidAtOnceExactlyOneIsToldItAdded() throws Exception {
        String prefix = prefix();
        List<S3PinStore> nodes = List.of(pins(prefix), pins(prefix));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                Cid cid = raw("contended " + i).cid();
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<Boolean>> added = new ArrayList<>();
                for (S3PinStore n : nodes) {
                    added.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return n.addRecursive(cid);
                    }));
                }
                int yes = 0;
                for (Future<Boolean> f : added) {
                    yes += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(yes).as("nodes told 'added' for pin %d", i).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(nodes.get(0).recursive()).hasSize(10);
    }

    @Test
    void aCollectionOnOneNodeKeepsWhatTheOtherPinned() {
        String prefix = prefix();
        S3Blockstore storeA = store(prefix);
        S3Blockstore storeB = store(prefix);
        Block leaf = raw("leaf under A's pin");
        Block root = node(List.of(leaf.cid()), "root");
        Block direct = raw("pinned directly on A");
        Block garbage = raw("nobody's");
        for (Block blk : List.of(leaf, root, direct, garbage)) {
            storeA.put(blk);
        }
        Pinner pinnerA = new Pinner(storeA, pins(prefix), new SweepGuard());
        pinnerA.pin(root.cid(), true);
        pinnerA.pin(direct.cid(), false);

        // The old wiring, each node with pins of its own: B's collection deletes what A pinned.
        String control = prefix();
        S3Blockstore lonely = store(control);
        for (Block blk : List.of(leaf, root, direct)) {
            lonely.put(blk);
        }
        new Pinner(lonely, pins(control), new SweepGuard()).pin(root.cid(), true);
        assertThat(new GarbageCollector(store(control), PinStore.inMemory(), new SweepGuard()).collect().removedBlocks())
                .as("node-local pins: B deletes A's pinned blocks").isEqualTo(3);

        GarbageCollector.Result r = new GarbageCollector(storeB, pins(prefix), new SweepGuard()).collect();
        assertThat(r.removedBlocks()).as("only the unpinned block goes").isEqualTo(1);
        Set<Cid> left;
        try (var keys = storeB.allKeys()) {
            left = keys.map(c -> Cid.v1(Multicodec.RAW, c.multihash())).collect(Collectors.toCollection(HashSet::new));
        }
        assertThat(left).containsExactlyInAnyOrder(Cid.v1(Multicodec.RAW, leaf.cid().multihash()),
                Cid.v1(Multicodec.RAW, root.cid().multihash()), Cid.v1(Multicodec.RAW, direct.cid().multihash()));
        assertThat(left).as("pin objects are never listed as blocks").hasSize(3);
    }
}
