package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GarbageCollectorTest {
    @TempDir
    Path dir;

    static Block random(int size, Random r) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        return Block.raw(b);
    }

    @Test
    void keepsWhatPinsReachAndDeletesTheRest() {
        Blockstore store = new MemoryBlockstore();
        PinStore pins = PinStore.inMemory();
        Pinner pinner = new Pinner(store, pins);
        Block a = Dags.raw("a");
        Block b = Dags.raw("b");
        Block mid = Dags.cbor(List.of(b.cid()), "m");
        Block root = Dags.pb(List.of(a.cid(), mid.cid()), "r");
        Block direct = Dags.raw("direct");
        Block loose = Dags.raw("loose");
        Block looseChild = Dags.raw("child of an unpinned node");
        Block looseParent = Dags.pb(List.of(looseChild.cid()), "p");
        for (Block x : List.of(a, b, mid, root, direct, loose, looseChild, looseParent)) {
            store.put(x);
        }
        pinner.pin(root.cid(), true);
        pinner.pin(direct.cid(), false);
        List<Cid> removed = new ArrayList<>();
        GarbageCollector.Result r = new GarbageCollector(store, pins).collect(removed::add);
        assertThat(r.removedBlocks()).isEqualTo(3);
        assertThat(r.keptBlocks()).isEqualTo(5);
        assertThat(r.removedBytes()).isEqualTo(loose.size() + looseChild.size() + looseParent.size());
        assertThat(removed).extracting(Cid::multihash).containsExactlyInAnyOrder(
                loose.cid().multihash(), looseChild.cid().multihash(), looseParent.cid().multihash());
        for (Block x : List.of(a, b, mid, root, direct)) {
            assertThat(store.has(x.cid())).as(x.toString()).isTrue();
        }
        // unpinned, the DAG goes at the next collection
        pinner.unpin(root.cid(), true);
        assertThat(new GarbageCollector(store, pins).collect().removedBlocks()).isEqualTo(4);
        assertThat(store.has(direct.cid())).isTrue();
    }

    @Test
    void aPinnedDagThatCannotBeWalkedStopsTheCollectionBeforeItDeletes() {
        Blockstore store = new MemoryBlockstore();
        PinStore pins = PinStore.inMemory();
        Block leaf = Dags.raw("leaf");
        Block mid = Dags.pb(List.of(leaf.cid()), "mid");
        Block root = Dags.pb(List.of(mid.cid()), "root");
        Block loose = Dags.raw("loose");
        for (Block x : List.of(leaf, mid, root, loose)) {
            store.put(x);
        }
        new Pinner(store, pins).pin(root.cid(), true);
        store.delete(mid.cid());
        assertThatThrownBy(() -> new GarbageCollector(store, pins).collect())
                .isInstanceOf(GcException.class).hasMessageContaining(root.cid().toString());
        assertThat(store.has(loose.cid())).isTrue();
        assertThat(store.has(leaf.cid())).isTrue();
    }

    /**
     * The race: while a collection sweeps thousands of unpinned blocks off a flatfs store, writers
     * put new blocks and re-put blocks the sweep is about to delete. Every put that returned must
     * have its block afterwards. Without the pin lock around puts, a re-put of a doomed block is a
     * no-op (the block is there) that the sweep then undoes.
     */
    @Test
    void aBlockPutWhileTheCollectionRunsSurvivesIt() throws Exception {
        try (FlatFsBlockstore flat = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build())) {
            Blockstore store = new PinLockingBlockstore(flat);
            PinStore pins = PinStore.inMemory();
            Random rnd = new Random(42);
            List<Block> garbage = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Block b = random(200, rnd);
                garbage.add(b);
                store.put(b);
            }
            GarbageCollector gc = new GarbageCollector(store, pins);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CyclicBarrier start = new CyclicBarrier(5);
                AtomicBoolean gcDone = new AtomicBoolean();
                CountDownLatch sweeping = new CountDownLatch(1);
                List<Future<List<Block>>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int id = w;
                    writers.add(pool.submit(() -> {
                        Random r = new Random(id);
                        List<Block> acked = new ArrayList<>();
                        start.await();
                        sweeping.await(10, TimeUnit.SECONDS);
                        while (!gcDone.get() || acked.size() < 20) {
                            // half re-puts of blocks the sweep targets, half new blocks
                            Block b = r.nextBoolean() ? garbage.get(r.nextInt(garbage.size())) : random(300, r);
                            store.put(b);
                            acked.add(b);
                        }
                        return acked;
                    }));
                }
                start.await();
                GarbageCollector.Result result = gc.collect(cid -> sweeping.countDown());
                gcDone.set(true);
                List<Block> acked = new ArrayList<>();
                for (Future<List<Block>> f : writers) {
                    acked.addAll(f.get(60, TimeUnit.SECONDS));
                }
                assertThat(result.removedBlocks()).isGreaterThan(0);
                assertThat(acked).isNotEmpty();
                long lost = acked.stream().filter(b -> !flat.has(b.cid())).count();
                assertThat(lost).as("acknowledged puts whose block the collection deleted").isZero();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
