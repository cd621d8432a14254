package io.cairn.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A scheduler the test runs by hand: tasks wait until {@link #runDue()}. */
final class ManualScheduler implements CacheScheduler {
    private final List<Runnable> tasks = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private final boolean accepts;

    ManualScheduler() {
        this(true);
    }

    private ManualScheduler(boolean accepts) {
        this.accepts = accepts;
    }

    /** A scheduler that drops every task: only the cache's own traffic can do the maintenance. */
    static ManualScheduler never() {
        return new ManualScheduler(false);
    }

    @Override
    public synchronized void schedule(Runnable task, Duration delay) {
        if (accepts) {
            tasks.add(task);
            delays.add(delay);
        }
    }

    synchronized int pending() {
        return tasks.size();
    }

    synchronized Duration nextDelay() {
        return delays.getFirst();
    }

    /** Runs the tasks scheduled so far (the test advanced the ticker past their delay). */
    void runDue() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(tasks);
            tasks.clear();
            delays.clear();
        }
        now.forEach(Runnable::run);
    }
}
