package io.cairn.pin;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.ipld.MalformedBlockException;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Deletes every block no pin keeps, as Kubo's {@code repo gc}: under the store's exclusive GC lock it
 * marks what the recursive pins reach (through dag-pb, dag-cbor and dag-json links) and the direct
 * pins, then sweeps every other key.
 *
 * <p>Writers that go through a {@link PinLockingBlockstore} (and {@link Pinner}) hold the shared pin
 * lock while they write, so a collection waits for writes in flight and writes wait for the
 * collection: a block put while a collection runs is written after its sweep and survives it. Only
 * one collection runs at a time (the GC lock is exclusive).
 *
 * <p>Thread-safe; {@link #collect} may be called from anywhere (an RPC, a CLI, a disk watermark).
 */
public final class GarbageCollector {
    private final Blockstore store;
    private final GcLocker locker;
    private final PinStore pins;

    /** What one collection did. */
    public record Result(long removedBlocks, long removedBytes, long keptBlocks) {
    }

    /** @param store a store with a GC lock (every Cairn store and wrapper has one) */
    public GarbageCollector(Blockstore store, PinStore pins) {
        this.store = Objects.requireNonNull(store, "store");
        if (!(store instanceof GcLocker l)) {
            throw new IllegalArgumentException("garbage collection needs a store with a GC lock (a GcLocker), got " + store);
        }
        this.locker = l;
        this.pins = Objects.requireNonNull(pins, "pins");
    }

    /** Collects, reporting nothing per block. */
    public Result collect() {
        return collect(cid -> { });
    }

    /**
     * Collects, calling {@code removed} with each deleted key (a CIDv1 {@code raw}, as
     * {@link Blockstore#allKeys()} names keys) right after it is deleted.
     *
     * @throws GcException if a block under a recursive pin is missing or malformed; nothing is deleted
     */
    public Result collect(Consumer<Cid> removed) {
        try (GcLocker.Unlock held = locker.gcLock()) {
            Set<Multihash> keep = mark();
            long removedBlocks = 0;
            long removedBytes = 0;
            long kept = 0;
            try (Stream<Cid> keys = store.allKeys()) {
                Iterator<Cid> it = keys.iterator();
                while (it.hasNext()) {
                    Cid key = it.next();
                    if (keep.contains(key.multihash())) {
                        kept++;
                        continue;
                    }
                    int size;
                    try {
                        size = store.getSize(key);
                    } catch (BlockNotFoundException e) {
                        continue; // gone already (a concurrent rm)
                    }
                    if (store.delete(key)) {
                        removedBlocks++;
                        removedBytes += size;
                        removed.accept(key);
                    }
                }
            }
            return new Result(removedBlocks, removedBytes, kept);
        }
    }

    private Set<Multihash> mark() {
        Set<Multihash> keep = new HashSet<>();
        DagWalker walker = new DagWalker(store);
        for (Cid root : pins.recursive()) {
            try {
                walker.walk(root, keep, c -> true, DagWalker.Mode.LINKS);
            } catch (BlockNotFoundException | MalformedBlockException e) {
                throw new GcException("garbage collection stopped before deleting anything: the DAG pinned"
                        + " recursively at " + root + " cannot be walked (" + e.getMessage() + ")", e);
            }
        }
        for (Cid c : pins.direct()) {
            keep.add(c.multihash());
        }
        return keep;
    }
}
