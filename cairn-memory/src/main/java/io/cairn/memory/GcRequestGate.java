package io.cairn.memory;

import io.cairn.memory.MemoryGovernor.GcRequestResult;

/**
 * Decides whether a requested GC may start: never while one is running, never sooner than the
 * minimum interval after the previous one started. A full collection stops or slows the whole
 * application, so callers reacting to the same pressure from many threads must collapse into one.
 * Pure apart from its lock: times come from the caller.
 */
final class GcRequestGate {
    private final long minIntervalNanos;
    private final boolean effective;

    private boolean inFlight;
    private boolean startedBefore;
    private long lastStartNanos;
    private long started;

    /**
     * @param effective false when the JVM ignores System.gc() (-XX:+DisableExplicitGC); every
     *                  request then answers INEFFECTIVE and nothing is started
     */
    GcRequestGate(long minIntervalNanos, boolean effective) {
        this.minIntervalNanos = minIntervalNanos;
        this.effective = effective;
    }

    /** STARTED means the caller now owns the one in-flight collection and must call {@link #finished()}. */
    synchronized GcRequestResult tryStart(long nowNanos) {
        return tryStart(nowNanos, minIntervalNanos);
    }

    /** As {@link #tryStart(long)}, with a spacing of its own (the governor's confirming collections). */
    synchronized GcRequestResult tryStart(long nowNanos, long minIntervalNanos) {
        if (!effective) {
            return GcRequestResult.INEFFECTIVE;
        }
        if (inFlight) {
            return GcRequestResult.IN_FLIGHT;
        }
        if (startedBefore && nowNanos - lastStartNanos < minIntervalNanos) {
            return GcRequestResult.RATE_LIMITED;
        }
        inFlight = true;
        startedBefore = true;
        lastStartNanos = nowNanos;
        started++;
        return GcRequestResult.STARTED;
    }

    synchronized void finished() {
        inFlight = false;
    }

    synchronized long startedCount() {
        return started;
    }

    boolean effective() {
        return effective;
    }
}
