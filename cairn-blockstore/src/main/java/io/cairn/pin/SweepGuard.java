package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the writers and the {@link GarbageCollector} of one store share so that a collection can
 * sweep in batches instead of holding the GC lock throughout: while a collection runs, every block
 * written (by a {@link PinLockingBlockstore}) or newly pinned (by a {@link Pinner}) is recorded here,
 * and the sweep spares it.
 *
 * <p>Why that is enough: the collection starts recording under the exclusive GC lock, writers record
 * under the shared pin lock, and each batch deletes under the exclusive GC lock. A write either
 * completes (and is recorded) before a batch takes the lock, and is spared, or waits for the batch and
 * then writes its block afresh. One collection runs at a time.
 *
 * <p>Use one guard per store, given to its {@link PinLockingBlockstore}, {@link Pinner} and
 * {@link GarbageCollector} alike.
 *
 * <p>When other processes share the store (nodes on one bucket), the guard also has a
 * {@link ClusterSweep}: every write and pin is then recorded where a collection on any process sees
 * it, and a writer that may have raced one of its delete batches waits for that batch and checks the
 * shared store with the {@link SweepRecheck} before it is acknowledged.
 */
public final class SweepGuard {
    private final ReentrantLock collecting = new ReentrantLock();
    private volatile Set<Multihash> spared;
    private final ClusterSweep cluster;
    private final SweepRecheck recheck;
    private final Duration maxWait;

    /** A guard for a store only this process uses. */
    public SweepGuard() {
        this(ClusterSweep.none(), null, Duration.ZERO);
    }

    /**
     * A guard for a store other processes share.
     *
     * @param cluster where writes and pins are recorded for a collection running anywhere
     * @param recheck asks the shared store whether a block survived a batch a writer waited for
     * @param maxWait how long a writer waits for one delete batch of another process before it is
     *        refused with {@link SweepGuardUnavailableException}
     */
    public SweepGuard(ClusterSweep cluster, SweepRecheck recheck, Duration maxWait) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.recheck = cluster == ClusterSweep.none() ? null : Objects.requireNonNull(recheck, "recheck");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    ClusterSweep cluster() {
        return cluster;
    }

    /** Records that {@code cid}'s block was written or pinned; call it under the pin lock. */
    public void written(Cid cid) {
        Set<Multihash> s = spared;
        if (s != null) {
            s.add(cid.multihash());
        }
    }

    /** Whether a collection is running. */
    public boolean collecting() {
        return spared != null;
    }

    /**
     * After {@code blocks} reached the store and before they are acknowledged, without holding the pin
     * lock (the wait must not hold up this process's own sweep): records them for a collection running
     * on another process and, when one of its batches may have missed them, waits for that batch and
     * stores them again if it deleted them.
     *
     * @throws SweepGuardUnavailableException when that cannot be made sure of
     */
    void acknowledgeWrites(Collection<Block> blocks) {
        if (cluster == ClusterSweep.none() || blocks.isEmpty()) {
            return;
        }
        List<Cid> cids = blocks.stream().map(Block::cid).toList();
        if (awaitRacingBatch(cids, List.of(), "write")) {
            blocks.forEach(recheck::restore);
        }
    }

    /**
     * After a pin was recorded and before it is acknowledged: records the pinned roots ({@code
     * recursive}) or blocks ({@code direct}) for a collection running on another process and, when one
     * of its batches may have missed them, waits for it and checks that every block of {@code dag}
     * is still in the shared store.
     *
     * @throws BlockNotFoundException naming a block of the DAG that the batch deleted (the caller
     *         takes its pin back)
     * @throws SweepGuardUnavailableException when that cannot be made sure of
     */
    void acknowledgePin(List<Cid> direct, List<Cid> recursive, List<Cid> dag) {
        if (cluster == ClusterSweep.none()) {
            return;
        }
        if (awaitRacingBatch(direct, recursive, "pin")) {
            for (Cid c : dag) {
                if (!c.isIdentity() && !recheck.present(c)) {
                    throw new BlockNotFoundException(c);
                }
            }
        }
    }

    /** Whether a batch of another process's collection may have missed what was just recorded (it has finished now). */
    private boolean awaitRacingBatch(List<Cid> written, List<Cid> pinned, String what) {
        Optional<ClusterSweep.Ticket> ticket = cluster.record(written, pinned);
        if (ticket.isEmpty() || collecting()) {
            // No collection anywhere, or this process's own: the local record above covers it.
            return false;
        }
        if (!cluster.awaitBatchDone(ticket.get(), maxWait)) {
            throw new SweepGuardUnavailableException("the " + what + " reached the store, but a garbage collection on "
                    + ticket.get().holder() + " did not finish its delete batch within " + maxWait
                    + "; not acknowledged, retry", maxWait, null);
        }
        return true;
    }

    void lockCollection() {
        collecting.lock();
    }

    void unlockCollection() {
        collecting.unlock();
    }

    /** Starts recording; call it under the GC lock. */
    void begin() {
        spared = ConcurrentHashMap.newKeySet();
    }

    /** Whether the sweep must spare this key; call it under the GC lock. */
    boolean spares(Multihash key) {
        Set<Multihash> s = spared;
        return s != null && s.contains(key);
    }

    void end() {
        spared = null;
    }
}
