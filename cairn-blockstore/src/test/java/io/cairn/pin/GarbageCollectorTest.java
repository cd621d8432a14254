package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

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
        SweepGuard guard = new SweepGuard();
        Pinner pinner = new Pinner(store, pins, guard);
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
        GarbageCollector.Result r = new GarbageCollector(store, pins, guard).collect(removed::add);
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
        assertThat(new GarbageCollector(store, pins, guard).collect().removedBlocks()).isEqualTo(4);
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
        SweepGuard guard = new SweepGuard();
        new Pinner(store, pins, guard).pin(root.cid(), true);
        store.delete(mid.cid());
        assertThatThrownBy(() -> new GarbageCollector(store, pins, guard).collect())
                .isInstanceOf(GcException.class).hasMessageContaining(root.cid().toString());
        assertThat(store.has(loose.cid())).isTrue();
        assertThat(store.has(leaf.cid())).isTrue();
    }

    /**
     * The race: while a collection sweeps 1000 unpinned blocks off a flatfs store in batches, four
     * writers put new blocks and re-put blocks the sweep is about to delete. Every put that returned
     * must have its block afterwards, and puts must get through while the sweep is still going (between
     * its batches). Without the pin lock and the guard around puts, a re-put of a doomed block is a
     * no-op (the block is there) that the sweep then undoes.
     */
    @Test
    void aBlockPutWhileTheCollectionRunsSurvivesIt() throws Exception {
        try (FlatFsBlockstore flat = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build())) {
            SweepGuard guard = new SweepGuard();
            Blockstore store = new PinLockingBlockstore(flat, guard);
            PinStore pins = PinStore.inMemory();
            Random rnd = new Random(42);
            List<Block> garbage = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Block b = random(200, rnd);
                garbage.add(b);
                store.put(b);
            }
            GarbageCollector gc = new GarbageCollector(store, pins, guard);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CyclicBarrier start = new CyclicBarrier(5);
                AtomicBoolean gcDone = new AtomicBoolean();
                AtomicLong removedSoFar = new AtomicLong();
                CountDownLatch sweeping = new CountDownLatch(1);
                List<Future<List<long[]>>> writers = new ArrayList<>();
                List<List<Block>> ackedBy = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int id = w;
                    List<Block> acked = new ArrayList<>();
                    ackedBy.add(acked);
                    writers.add(pool.submit(() -> {
                        Random r = new Random(id);
                        List<long[]> when = new ArrayList<>();
                        start.await();
                        sweeping.await(10, TimeUnit.SECONDS);
                        while (!gcDone.get() || acked.size() < 20) {
                            // half re-puts of blocks the sweep targets, half new blocks
                            Block b = r.nextBoolean() ? garbage.get(r.nextInt(garbage.size())) : random(300, r);
                            store.put(b);
                            acked.add(b);
                            when.add(new long[] {removedSoFar.get()});
                        }
                        return when;
                    }));
                }
                start.await();
                GarbageCollector.Result result = gc.collect(cid -> {
                    removedSoFar.incrementAndGet();
                    sweeping.countDown();
                });
                gcDone.set(true);
                long duringSweep = 0;
                for (Future<List<long[]>> f : writers) {
                    for (long[] w : f.get(60, TimeUnit.SECONDS)) {
                        if (w[0] < result.removedBlocks()) {
                            duringSweep++; // acknowledged before the sweep's last removal
                        }
                    }
                }
                List<Block> acked = new ArrayList<>();
                ackedBy.forEach(acked::addAll);
                assertThat(result.removedBlocks()).isGreaterThan(0);
                assertThat(acked).isNotEmpty();
                long lost = acked.stream().filter(b -> !flat.has(b.cid())).count();
                assertThat(lost).as("acknowledged puts whose block the collection deleted").isZero();
                assertThat(duringSweep).as("puts acknowledged while the sweep was still deleting").isPositive();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A DAG pinned while a sweep is under way (after the mark, between batches) is spared by it, though
     * the mark did not see the pin. The pin is made from the removal callback, on the collector's own
     * thread (the GC lock lets its holder take a pin lock), so it falls between the mark and the batch
     * that holds the DAG's keys; those are listed last.
     */
    @Test
    void aPinAddedDuringTheSweepIsSpared() {
        Block leaf = Dags.raw("late leaf");
        Block root = Dags.pb(List.of(leaf.cid()), "late root");
        Set<Multihash> late = Set.of(leaf.cid().multihash(), root.cid().multihash());
        Blockstore base = new ForwardingBlockstore(new MemoryBlockstore()) {
            @Override
            public Stream<Cid> allKeys() {
                List<Cid> all = super.allKeys().toList();
                return Stream.concat(all.stream().filter(c -> !late.contains(c.multihash())),
                        all.stream().filter(c -> late.contains(c.multihash())));
            }
        };
        SweepGuard guard = new SweepGuard();
        Blockstore store = new PinLockingBlockstore(base, guard);
        PinStore pins = PinStore.inMemory();
        Pinner pinner = new Pinner(store, pins, guard);
        Random rnd = new Random(3);
        for (int i = 0; i < 3 * GarbageCollector.BATCH; i++) {
            store.put(random(100, rnd));
        }
        store.put(leaf);
        store.put(root);
        GarbageCollector.Result r = new GarbageCollector(store, pins, guard).collect(cid -> {
            if (!pins.isRecursive(root.cid())) {
                pinner.pin(root.cid(), true);
            }
        });
        assertThat(base.has(root.cid())).isTrue();
        assertThat(base.has(leaf.cid())).isTrue();
        assertThat(r.removedBlocks()).isEqualTo(3 * GarbageCollector.BATCH);
        assertThat(r.keptBlocks()).isEqualTo(2);
    }
}
