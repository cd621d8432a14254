package io.cairn.s3;

import io.cairn.blockstore.GcLocker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The S3 store's {@link GcLocker}: pins share a fair read lock, the collector takes the write lock.
 * Local to this process; collectors on other nodes sharing the bucket are not excluded (see
 * docs/S3.md, "Consistency").
 */
final class S3GcLock implements GcLocker {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final AtomicInteger waiting = new AtomicInteger();

    @Override
    public Unlock gcLock() {
        waiting.incrementAndGet();
        try {
            lock.writeLock().lock();
        } finally {
            waiting.decrementAndGet();
        }
        return new Held(lock.writeLock());
    }

    @Override
    public Unlock pinLock() {
        lock.readLock().lock();
        return new Held(lock.readLock());
    }

    @Override
    public boolean gcRequested() {
        return waiting.get() > 0 || lock.isWriteLocked();
    }

    private static final class Held implements Unlock {
        private final Lock lock;
        private final AtomicBoolean released = new AtomicBoolean();

        Held(Lock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                lock.unlock();
            }
        }
    }
}
