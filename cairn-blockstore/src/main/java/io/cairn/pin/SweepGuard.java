package io.cairn.pin;

import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;

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
 */
public final class SweepGuard {
    private final ReentrantLock collecting = new ReentrantLock();
    private volatile Set<Multihash> spared;

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
