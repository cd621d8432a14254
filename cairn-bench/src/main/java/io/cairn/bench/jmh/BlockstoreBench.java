package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * put/get/has on the memory and flatfs stores, plain and wrapped memory-aware. The store is filled
 * with a pool of distinct blocks first; {@code put} re-adds a block that the per-invocation setup
 * (not timed) has just chosen and deleted, so every timed put writes for real instead of hitting the
 * idempotent no-op path. flatfs runs with its default (sync on). Wrappers: {@code plain} (the store
 * alone), {@code memory-aware} (the refusal/reservation layer alone: its overhead) and
 * {@code stack} (caches plus the memory-aware layer, as the server assembles them).
 */
public class BlockstoreBench extends BlockPoolBench {

    @Param({"memory", "flatfs"})
    public String store;

    @Param({"plain", "memory-aware", "stack"})
    public String wrapper;

    private Path dir;
    private Blockstore bs;
    private StoreFixtures.Wrapped wrapped;
    private Cid[] absent;

    @Setup(Level.Trial)
    public void open() throws IOException {
        int pool = createPool();
        absent = new Cid[pool];
        Block[] others = StoreFixtures.randomBlocks(Math.min(pool, 256), 64, 7);
        for (int i = 0; i < pool; i++) {
            absent[i] = others[i % others.length].cid();
        }
        Blockstore base;
        if (store.equals("flatfs")) {
            dir = Files.createTempDirectory("cairn-jmh-flatfs-");
            base = FlatFsBlockstore.open(dir, FlatFsOptions.defaults());
        } else if (store.equals("memory")) {
            base = new MemoryBlockstore();
        } else {
            throw new IllegalArgumentException("store must be memory or flatfs, got " + store);
        }
        wrapped = StoreFixtures.wrap(base, wrapper);
        bs = wrapped.store();
        for (Block b : blocks) {
            bs.put(b);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        wrapped.close();
        if (dir != null) {
            StoreFixtures.deleteRecursively(dir);
        }
    }

    /** Makes room for the put that follows: runs before every invocation, not timed. */
    @State(Scope.Benchmark)
    public static class PutSlot {
        @Setup(Level.Invocation)
        public void free(BlockstoreBench b) {
            b.bs.delete(b.blocks[b.nextSlot()].cid());
        }
    }

    @Benchmark
    public void put(PutSlot slot) {
        bs.put(blocks[next]);
    }

    @Benchmark
    public Block get() {
        return bs.get(blocks[step()].cid());
    }

    @Benchmark
    public boolean hasPresent() {
        return bs.has(blocks[step()].cid());
    }

    @Benchmark
    public boolean hasAbsent() {
        return bs.has(absent[step()]);
    }
}
