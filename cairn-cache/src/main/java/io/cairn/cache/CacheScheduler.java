package io.cairn.cache;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a cache's time-based maintenance (restore steps after memory pressure, expiry) when the cache
 * is idle. The cache schedules one task for the moment its next piece of such work is due, and only
 * while there is any: an idle cache with nothing pending costs no timer. Tasks must be short and
 * must not block; they take the cache's lock briefly.
 */
@FunctionalInterface
public interface CacheScheduler {

    /** Runs {@code task} once, after about {@code delay}; may run it late, never throws. */
    void schedule(Runnable task, Duration delay);

    /** A shared daemon thread; the default. */
    static CacheScheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** No timer: maintenance then happens only on reads, writes and {@link Cache#cleanUp()}. */
    static CacheScheduler disabled() {
        return (task, delay) -> { };
    }

    /** The JVM-wide timer thread behind {@link #system()}. */
    final class SystemScheduler implements CacheScheduler {
        static final SystemScheduler INSTANCE = new SystemScheduler();
        private final ScheduledThreadPoolExecutor timer;

        private SystemScheduler() {
            // The JVM's root thread group, not the group of whichever thread first built a cache:
            // the timer outlives every cache and belongs to none of the application's groups.
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            ThreadGroup group = root;
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(group, r, "cairn-cache-timer");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
        }

        @Override
        public void schedule(Runnable task, Duration delay) {
            timer.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // a failed maintenance run is retried by the next read, write or timer
                }
            }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        }
    }
}
