package io.cairn.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts bytes of released reservations ("landed": the caller has allocated them) and remembers
 * roughly when, so a collection's report can be matched with how much had landed when that
 * collection ended.
 *
 * <p>Why the timing matters: a GC notification reaches the governor some time after the pause
 * ended. Under a write burst, megabytes land in that gap. Treating them as already inside the
 * after-GC figure would under-count exactly when memory is shortest, so the mark is taken from a
 * stamp recorded before the collection ended; anything landed after the stamp is counted again
 * until the next report, which errs on the safe side.
 *
 * <p>Stamps are written at most once per millisecond, so the hot path is one atomic add and one
 * call to the governor's clock.
 */
final class LandedLedger {
    private static final int STAMPS = 512;
    private static final long STAMP_SPACING_NANOS = 1_000_000L;

    private final AtomicLong total = new AtomicLong();
    /**
     * When the newest add began (its clock reading). Stamps are spaced, so the adds of the last
     * millisecond before a quiet spell have none; without this the bytes they added were never inside
     * any later collection's mark.
     */
    private final AtomicLong newestAddNanos = new AtomicLong(Long.MIN_VALUE);
    private final long[] stampNanos = new long[STAMPS];
    private final long[] stampTotals = new long[STAMPS];
    private int next;
    private int size;
    private volatile long lastStampNanos = Long.MIN_VALUE / 2;
    private final NanoClock clock;

    LandedLedger(NanoClock clock) {
        this.clock = clock;
    }

    LandedLedger() {
        this(NanoClock.SYSTEM);
    }

    void add(long bytes) {
        long now = clock.nanoTime();
        // Before the total moves: whoever sees this add in the total sees a newest-add time at least this.
        newestAddNanos.accumulateAndGet(now, Math::max);
        long t = total.addAndGet(bytes);
        if (now - lastStampNanos >= STAMP_SPACING_NANOS) {
            stamp(now, t);
        }
    }

    long total() {
        return total.get();
    }

    private synchronized void stamp(long now, long t) {
        if (now - lastStampNanos < STAMP_SPACING_NANOS) {
            return;
        }
        stampNanos[next] = now;
        stampTotals[next] = t;
        next = (next + 1) % STAMPS;
        size = Math.min(size + 1, STAMPS);
        lastStampNanos = now;
    }

    /**
     * The landed total known to have been reached by {@code nanos}: everything, when no add began
     * after a stamp spacing before it; else the latest stamp at or before it. Never less than {@code floor} (the previous
     * mark, which is known to be correct).
     */
    synchronized long totalAsOf(long nanos, long floor) {
        // Total first, then the time: every add inside this total had begun by the time read after it.
        // Only adds a stamp spacing before the collection's end are taken in whole, as stamps are: a fresh
        // add near a late estimate of the end stays outside, the safe side.
        long all = total.get();
        if (newestAddNanos.get() - (nanos - STAMP_SPACING_NANOS) <= 0) {
            return Math.max(floor, all);
        }
        long best = floor;
        for (int i = 0; i < size; i++) {
            if (stampNanos[i] - nanos <= 0 && stampTotals[i] > best) {
                best = stampTotals[i];
            }
        }
        return best;
    }
}
