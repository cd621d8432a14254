package io.cairn.pin;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.ipld.MalformedBlockException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Deletes every block no pin keeps, as Kubo's {@code repo gc}: it marks what the recursive pins reach
 * (through dag-pb, dag-cbor and dag-json links) and the direct pins, then sweeps every other key.
 *
 * <p>The mark runs under the store's exclusive GC lock; the sweep deletes in batches of
 * {@value #BATCH} keys, each under the GC lock, so writes go on between batches instead of waiting
 * for the whole collection. What is written or pinned after the mark is recorded in the store's
 * {@link SweepGuard} (by {@link PinLockingBlockstore} and {@link Pinner}, which hold the shared pin
 * lock while they write or pin) and spared, so a block put while a collection runs survives it.
 * Only one collection runs at a time per guard, and, when the pins are shared with other processes,
 * one at a time across all of them: a collection first takes the {@link CollectionLease} and stops
 * with {@link CollectionBusyException} when another process holds it. Writes and pins on those other
 * processes are protected through the guard's {@link ClusterSweep}: the collection sets a shared
 * record before it marks, reads what was recorded there before each batch, and counts each finished
 * batch, so a writer that raced a batch knows when to check that its block survived.
 *
 * <p>Thread-safe; {@link #collect} may be called from anywhere (an RPC, a CLI, a disk watermark).
 */
public final class GarbageCollector {
    /** Keys deleted per hold of the GC lock. */
    static final int BATCH = 256;

    private final Blockstore store;
    private final GcLocker locker;
    private final PinStore pins;
    private final SweepGuard guard;
    private final CollectionLease lease;

    /** What one collection did. */
    public record Result(long removedBlocks, long removedBytes, long keptBlocks) {
    }

    /**
     * @param store a store with a GC lock (every Cairn store and wrapper has one)
     * @param guard the store's guard, shared with the {@link PinLockingBlockstore} its writes go
     *        through and its {@link Pinner}
     */
    public GarbageCollector(Blockstore store, PinStore pins, SweepGuard guard) {
        this(store, pins, guard, CollectionLease.local());
    }

    /**
     * @param lease held for the whole collection (mark and sweep); a sweep stops before its next batch
     *        once the lease is no longer valid
     */
    public GarbageCollector(Blockstore store, PinStore pins, SweepGuard guard, CollectionLease lease) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.store = Objects.requireNonNull(store, "store");
        if (!(store instanceof GcLocker l)) {
            throw new IllegalArgumentException("garbage collection needs a store with a GC lock (a GcLocker), got " + store);
        }
        this.locker = l;
        this.pins = Objects.requireNonNull(pins, "pins");
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** Collects, reporting nothing per block. */
    public Result collect() {
        return collect(cid -> { });
    }

    /**
     * Collects, calling {@code removed} with each deleted key (a CIDv1 {@code raw}, as
     * {@link Blockstore#allKeys()} names keys) right after it is deleted, while the GC lock is held
     * (so it should be quick).
     *
     * @throws GcException if a block under a recursive pin is missing or malformed (nothing is
     *         deleted), or the lease was lost during the sweep (it stops before the next batch)
     * @throws CollectionBusyException if another process sharing the store is collecting
     * @throws LeaseUnavailableException if the lease's store cannot say
     */
    public Result collect(Consumer<Cid> removed) {
        guard.lockCollection();
        CollectionLease.Held leased = null;
        ClusterSweep.Collecting shared = null;
        try {
            leased = lease.tryAcquire().orElseThrow(() -> new CollectionBusyException(
                    "a garbage collection is already running on another node sharing this store"
                            + lease.holder().map(h -> " (" + h + ")").orElse("") + "; try again when it ends"));
            // Before the mark: from here on every node's writes and pins are recorded for this collection.
            shared = guard.cluster().begin(leased);
            Set<Multihash> keep;
            try (GcLocker.Unlock held = locker.gcLock()) {
                guard.begin();
                keep = mark();
            }
            long[] totals = new long[3]; // removed blocks, removed bytes, kept
            List<Cid> batch = new ArrayList<>(BATCH);
            Spared elsewhere = new Spared(new HashSet<>(), new HashSet<>());
            try (Stream<Cid> keys = store.allKeys()) {
                Iterator<Cid> it = keys.iterator();
                while (it.hasNext()) {
                    Cid key = it.next();
                    if (keep.contains(key.multihash())) {
                        totals[2]++;
                        continue;
                    }
                    batch.add(key);
                    if (batch.size() == BATCH) {
                        sweep(batch, keep, elsewhere, totals, removed, leased, shared);
                        batch.clear();
                    }
                }
            }
            sweep(batch, keep, elsewhere, totals, removed, leased, shared);
            return new Result(totals[0], totals[1], totals[2]);
        } finally {
            guard.end();
            if (shared != null) {
                shared.close();
            }
            if (leased != null) {
                leased.close();
            }
            guard.unlockCollection();
        }
    }

    /**
     * What other nodes recorded during this collection: blocks written, and blocks the roots they
     * pinned reach (walked apart from the mark's set, whose direct pins were never walked).
     */
    private record Spared(Set<Multihash> written, Set<Multihash> walked) {
        boolean contains(Multihash key) {
            return written.contains(key) || walked.contains(key);
        }
    }

    private void sweep(List<Cid> batch, Set<Multihash> keep, Spared elsewhere, long[] totals, Consumer<Cid> removed,
                       CollectionLease.Held leased, ClusterSweep.Collecting shared) {
        if (batch.isEmpty()) {
            return;
        }
        checkLease(leased, totals);
        // What other nodes wrote or pinned since the last batch: spared, and pinned DAGs walked.
        spareRecorded(shared.poll(), elsewhere);
        try (GcLocker.Unlock held = locker.gcLock()) {
            for (Cid key : batch) {
                if (guard.spares(key.multihash()) || keep.contains(key.multihash()) || elsewhere.contains(key.multihash())) {
                    totals[2]++; // written or pinned since the mark
                    continue;
                }
                if (!shared.confirmed()) {
                    throw new GcException("garbage collection stopped: its shared sweep record was not confirmed in"
                            + " time, so writers on other nodes may no longer see it; " + totals[0]
                            + " blocks were deleted, nothing more is", null);
                }
                checkLease(leased, totals);
                int size;
                try {
                    size = store.getSize(key);
                } catch (BlockNotFoundException e) {
                    continue; // gone already (a concurrent rm)
                }
                if (store.delete(key)) {
                    totals[0]++;
                    totals[1] += size;
                    removed.accept(key);
                }
            }
        }
        shared.batchDone();
    }

    private static void checkLease(CollectionLease.Held leased, long[] totals) {
        if (!leased.valid()) {
            // Another node may be collecting now, from a mark that did not see what this one spares.
            throw new GcException("garbage collection stopped: its lease expired (the lease's store did not answer"
                    + " a renewal in time) after " + totals[0] + " blocks were deleted; nothing more is deleted", null);
        }
    }

    /** Adds what was recorded: written blocks, and whatever the pinned roots reach. */
    private void spareRecorded(ClusterSweep.Recorded recorded, Spared spared) {
        recorded.written().forEach(c -> spared.written().add(c.multihash()));
        DagWalker walker = new DagWalker(store);
        for (Cid root : recorded.pinned()) {
            // Lenient: a block already missing cannot be kept, and the pinning node finds it missing too.
            walker.walk(root, spared.walked(), c -> true, DagWalker.Mode.LENIENT);
        }
    }

    private Set<Multihash> mark() {
        Set<Multihash> keep = new HashSet<>();
        DagWalker walker = new DagWalker(store);
        PinStore.Snapshot pinned = pins.snapshot();
        for (Cid root : pinned.recursive()) {
            try {
                walker.walk(root, keep, c -> true, DagWalker.Mode.LINKS);
            } catch (BlockNotFoundException | MalformedBlockException e) {
                throw new GcException("garbage collection stopped before deleting anything: the DAG pinned"
                        + " recursively at " + root + " cannot be walked (" + e.getMessage() + ")", e);
            }
        }
        for (Cid c : pinned.direct()) {
            keep.add(c.multihash());
        }
        return keep;
    }
}
