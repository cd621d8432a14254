package io.cairn.cache;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Paces a cache's time-based maintenance while it is idle, as Caffeine's pacer does: after each
 * maintenance run the cache says when its next piece of time-based work (a restore step, the
 * oldest entry's expiry) is due, and the pacer keeps exactly one timer task pending for the
 * earliest such moment. Nothing is pending when nothing is due, so an idle cache with no such work
 * costs no timer. The task holds the cache weakly: a forgotten cache is not kept alive by its timer.
 *
 * <p>{@link #due} is read on every access (one volatile read), so that reads, not only writes,
 * run the work once it is due.
 */
final class Pacer<T> {
    static final long NONE = Long.MAX_VALUE;
    /** Tasks are not scheduled closer together than this; a late run only delays a restore step. */
    private static final long MIN_DELAY_NANOS = 1_000_000L;

    private final CacheScheduler scheduler;
    private final WeakReference<T> owner;
    private final Consumer<T> maintenance;
    /** Ticker time at which time-based work is due; {@link #NONE} if none. Written under the eviction lock. */
    private volatile long due = NONE;
    /** Ticker time the pending timer task was scheduled for; {@link #NONE} if none. Under the eviction lock. */
    private long scheduledFor = NONE;
    private volatile boolean stopped;

    Pacer(CacheScheduler scheduler, T owner, Consumer<T> maintenance) {
        this.scheduler = scheduler;
        this.owner = new WeakReference<>(owner);
        this.maintenance = maintenance;
    }

    /** True if time-based work is due at {@code now}. Lock-free; called on reads. */
    boolean isDue(long now) {
        long d = due;
        return d != NONE && now - d >= 0;
    }

    boolean hasWork() {
        return due != NONE;
    }

    /** Records when the next time-based work is due (or {@link #NONE}) and arms the timer. Lock held. */
    void update(long now, long nextDue) {
        due = nextDue;
        if (nextDue == NONE || stopped) {
            return;
        }
        if (scheduledFor != NONE && scheduledFor - nextDue <= 0) {
            return; // a task at or before that moment is already pending; it will re-arm
        }
        scheduledFor = nextDue;
        long delay = Math.max(MIN_DELAY_NANOS, nextDue - now);
        scheduler.schedule(this::fire, Duration.ofNanos(delay));
    }

    /** Under the eviction lock, before its maintenance runs: the pending task is this one. */
    void fired() {
        scheduledFor = NONE;
    }

    void stop() {
        stopped = true;
    }

    private void fire() {
        T cache = owner.get();
        if (cache != null && !stopped) {
            maintenance.accept(cache);
        }
    }
}
