package io.cairn.blockstore;

/**
 * Coordination between writers and a garbage collector, as boxo's {@code GCLocker}: a collector
 * takes the exclusive {@link #gcLock()} while it decides what is unreachable and deletes it; a writer
 * that adds blocks and then pins them takes the shared {@link #pinLock()} across both steps, so a
 * collection can never delete a block between its write and its pin.
 *
 * <p>Locks are owned by the acquiring thread (release on the same thread) and reentrant: the
 * collector may take a pin lock while holding the GC lock.
 *
 * <pre>{@code
 * try (GcLocker.Unlock pin = store.pinLock()) {
 *     store.put(block);
 *     pins.add(block.cid());
 * }
 * }</pre>
 */
public interface GcLocker {

    /** Blocks until no pin lock is held, then excludes all others. */
    Unlock gcLock();

    /** Shared with other pin locks; excludes only the GC lock. */
    Unlock pinLock();

    /**
     * Whether a collector is waiting for or holding the GC lock, so that long-running writers can
     * yield (release and re-take their pin lock) instead of starving it.
     */
    boolean gcRequested();

    /**
     * A fair, reentrant read-write lock as a {@code GcLocker}: the lock every store of this module
     * uses, for stores elsewhere (S3) that have no coordination of their own.
     */
    static GcLocker readWrite() {
        return new ReadWriteGcLock();
    }

    /** Releases a lock. Closing twice is harmless. */
    interface Unlock extends AutoCloseable {
        @Override
        void close();
    }
}
