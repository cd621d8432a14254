package io.cairn.cache;

import java.lang.reflect.Field;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/** Another thread holding a cache's eviction lock until {@link #close()}: for tests of paths that must not wait for it. */
final class HeldLock implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder;

    private HeldLock(ReentrantLock lock) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        holder = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        holder.start();
        held.await();
    }

    /** Returns once the other thread holds the lock. */
    static HeldLock evictionLockOf(Cache<?, ?> cache) throws ReflectiveOperationException, InterruptedException {
        Field f = LocalCache.class.getDeclaredField("lock");
        f.setAccessible(true);
        return new HeldLock((ReentrantLock) f.get(cache));
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        holder.join();
    }
}
