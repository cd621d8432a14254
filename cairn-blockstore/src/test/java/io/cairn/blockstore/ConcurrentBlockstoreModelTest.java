package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.cairn.blockstore.LinearizabilityChecker.Kind;
import io.cairn.blockstore.LinearizabilityChecker.Op;
import io.cairn.cid.Cid;
import io.cairn.memory.ManualMemoryGovernor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Issue 11, durable acknowledgements: many threads put, get, view, getSize, has and delete a few
 * CIDs at once, and every answer must be explained by the sequential model of a block store
 * ({@link LinearizabilityChecker}): a get after an acknowledged put finds the block, a has after an
 * acknowledged delete does not. Run on the memory store, on flatfs, and on the server's layered
 * stack (memory-aware, caching with content and has/size caches, identity, integrity) over each.
 * Over a million operations in all (the counts are summed and asserted); small blocks, so it takes
 * seconds. jqwik picks the seeds; a failure prints the round's history for the key.
 */
class ConcurrentBlockstoreModelTest {
    private static final int THREADS = 8;
    private static final int OPS_PER_ROUND = 8;
    private static long totalOps;

    enum Store { MEMORY, MEMORY_STACK, FLATFS, FLATFS_STACK }

    @Property(tries = 4, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void memoryStore(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int keys) throws Exception {
        run(Store.MEMORY, seed, keys, 100_000);
    }

    @Property(tries = 4, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void layeredStackOverMemory(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int keys) throws Exception {
        run(Store.MEMORY_STACK, seed, keys, 100_000);
    }

    @Property(tries = 4, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void flatFs(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int keys) throws Exception {
        run(Store.FLATFS, seed, keys, 25_000);
    }

    @Property(tries = 4, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void layeredStackOverFlatFs(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int keys) throws Exception {
        run(Store.FLATFS_STACK, seed, keys, 30_000);
    }

    @AfterContainer
    static void overAMillion() {
        assertThat(totalOps).as("operations checked in all").isGreaterThanOrEqualTo(1_000_000);
    }

    private static void run(Store kind, long seed, int keyCount, int ops) throws Exception {
        Path dir = null;
        ManualMemoryGovernor governor = null;
        Blockstore store;
        if (kind == Store.FLATFS || kind == Store.FLATFS_STACK) {
            Path shm = Path.of("/dev/shm");
            dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "cairn-lin")
                    : Files.createTempDirectory("cairn-lin");
        }
        Blockstore base = switch (kind) {
            case MEMORY, MEMORY_STACK -> new MemoryBlockstore();
            default -> FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).mapViewsFrom(256).build());
        };
        if (kind == Store.MEMORY_STACK || kind == Store.FLATFS_STACK) {
            governor = new ManualMemoryGovernor(1L << 30);
            CachingBlockstore.Options caching = CachingBlockstore.Options.defaults()
                    .withContentCacheBytes(1 << 20).withMetadataCacheEntries(1024)
                    .withBloom(kind == Store.FLATFS_STACK ? 1000 : 0, 0.01);
            store = MemoryAwareBlockstore.stack(Blockstores.layered(base, false), governor,
                    MemoryAwareConfig.builder().caching(caching).build());
        } else {
            store = base;
        }
        try {
            new Run(kind + " store", store, seed, keyCount, ops).go();
            synchronized (ConcurrentBlockstoreModelTest.class) {
                totalOps += ops;
            }
        } finally {
            store.close();
            if (governor != null) {
                governor.close();
            }
            if (dir != null) {
                FlatFsBlockstoreTest.deleteRecursively(dir);
            }
        }
    }

    private static final class Run {
        final String name;
        final Blockstore store;
        final Block[] blocks;
        final long seed;
        final int rounds;
        /** [thread][slot] of the current round. */
        final Op[][] ops = new Op[THREADS][OPS_PER_ROUND];
        final int[][] keysOf = new int[THREADS][OPS_PER_ROUND];
        final int[] states;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        int round;

        Run(String name, Blockstore store, long seed, int keyCount, int totalOps) {
            this.name = name;
            this.store = store;
            this.seed = seed;
            this.blocks = new Block[keyCount];
            SplittableRandom r = new SplittableRandom(seed);
            for (int k = 0; k < keyCount; k++) {
                byte[] data = new byte[16 + r.nextInt(300)];
                r.nextBytes(data);
                blocks[k] = Block.raw(data);
            }
            this.states = new int[keyCount];
            Arrays.fill(states, LinearizabilityChecker.ABSENT);
            this.rounds = Math.max(1, totalOps / (THREADS * OPS_PER_ROUND));
        }

        void go() throws Exception {
            CyclicBarrier barrier = new CyclicBarrier(THREADS, this::checkRound);
            Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads[t] = Thread.ofPlatform().name("model-" + t).start(() -> work(id, barrier));
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(name + ", seed " + seed + ": " + failure.get().getMessage(), failure.get());
            }
        }

        private void work(int id, CyclicBarrier barrier) {
            SplittableRandom r = new SplittableRandom(seed * 31 + id);
            Kind[] kinds = Kind.values();
            try {
                for (int i = 0; i < rounds && failure.get() == null; i++) {
                    for (int slot = 0; slot < OPS_PER_ROUND; slot++) {
                        int key = r.nextInt(blocks.length);
                        Kind kind = kinds[r.nextInt(kinds.length)];
                        keysOf[id][slot] = key;
                        ops[id][slot] = perform(id, kind, blocks[key]);
                    }
                    barrier.await();
                }
            } catch (BrokenBarrierException | InterruptedException e) {
                failure.compareAndSet(null, e);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                barrier.reset();
            }
        }

        private Op perform(int thread, Kind kind, Block block) {
            Cid cid = block.cid();
            long start = System.nanoTime();
            boolean found;
            switch (kind) {
                case PUT -> {
                    store.put(block);
                    found = true;
                }
                case DELETE -> found = store.delete(cid);
                case HAS -> found = store.has(cid);
                case GET -> {
                    byte[] got = orNull(() -> store.get(cid).bytes());
                    if (got != null && !Arrays.equals(got, block.bytes())) {
                        throw new AssertionError("get of " + cid + " returned other bytes");
                    }
                    found = got != null;
                }
                case VIEW -> {
                    Function<ByteBuffer, byte[]> copy = b -> {
                        byte[] a = new byte[b.remaining()];
                        b.get(a);
                        return a;
                    };
                    byte[] got = orNull(() -> ((Viewer) store).view(cid, copy));
                    if (got != null && !Arrays.equals(got, block.bytes())) {
                        throw new AssertionError("view of " + cid + " returned other bytes");
                    }
                    found = got != null;
                }
                case SIZE -> {
                    Integer size = orNull(() -> store.getSize(cid));
                    if (size != null && size != block.size()) {
                        throw new AssertionError("getSize of " + cid + " returned " + size + ", not " + block.size());
                    }
                    found = size != null;
                }
                default -> throw new IllegalStateException();
            }
            return new Op(thread, kind, found, start, System.nanoTime());
        }

        private static <T> T orNull(java.util.function.Supplier<T> read) {
            try {
                return read.get();
            } catch (BlockNotFoundException e) {
                return null;
            }
        }

        /** Runs in the last thread to reach the barrier, while the others wait. */
        private void checkRound() {
            round++;
            for (int k = 0; k < blocks.length; k++) {
                List<List<Op>> perThread = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    List<Op> mine = new ArrayList<>();
                    for (int slot = 0; slot < OPS_PER_ROUND; slot++) {
                        if (keysOf[t][slot] == k) {
                            mine.add(ops[t][slot]);
                        }
                    }
                    perThread.add(mine);
                }
                int ends = LinearizabilityChecker.check(perThread, states[k]);
                if (ends == 0) {
                    failure.compareAndSet(null, new AssertionError("round " + round + ", key " + k + " ("
                            + blocks[k].cid() + "), starting " + describe(states[k]) + ": no sequential order explains "
                            + history(perThread)));
                    return;
                }
                states[k] = ends;
            }
        }

        private static String describe(int states) {
            return states == LinearizabilityChecker.ABSENT ? "absent"
                    : states == LinearizabilityChecker.PRESENT ? "present" : "absent or present";
        }

        private static String history(List<List<Op>> perThread) {
            long t0 = Long.MAX_VALUE;
            for (List<Op> c : perThread) {
                for (Op op : c) {
                    t0 = Math.min(t0, op.start());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (List<Op> c : perThread) {
                for (Op op : c) {
                    sb.append("\n  thread ").append(op.thread()).append(' ').append(op.kind()).append(" -> ")
                            .append(op.found()).append(" [").append((op.start() - t0) / 1000).append("..")
                            .append((op.end() - t0) / 1000).append(" us]");
                }
            }
            return sb.toString();
        }
    }
}
