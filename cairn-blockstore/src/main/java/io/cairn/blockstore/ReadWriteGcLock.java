package io.cairn.blockstore;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@link GcLocker} every store shares. A read-write lock, like boxo's {@code sync.RWMutex}: pins
 * are readers, the collector is the writer. Fair ordering so that a waiting collector is not starved
 * by a steady stream of new pin locks.
 */
final class ReadWriteGcLock implements GcLocker {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final AtomicInteger gcWaiters = new AtomicInteger();

    @Override
    public Unlock gcLock() {
        gcWaiters.incrementAndGet();
        try {
            lock.writeLock().lock();
        } finally {
            gcWaiters.decrementAndGet();
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
        return gcWaiters.get() > 0 || lock.isWriteLocked();
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
