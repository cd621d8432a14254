package io.cairn.memory;

/**
 * Places the end of a collection, as GcInfo reports it (milliseconds on the JVM's management
 * clock), on the {@code System.nanoTime} axis, so the governor can tell which released
 * reservations a collection's after-GC figure already contains.
 *
 * <p>The two clocks differ by a constant that no API gives. Measured on JDK 25: the management
 * clock runs 100 ms (G1) to 160 ms (ZGC) behind RuntimeMXBean uptime. So the offset is learnt
 * from the notifications themselves: the smallest arrival-minus-end seen so far, which is the true
 * offset plus the shortest delivery delay.
 *
 * <p>That estimate is too late by the delivery delay of the fastest notification seen so far.
 * Too late is the unsafe direction: bytes that landed after the collection would be taken as
 * inside its figure and counted nowhere. A JVM that starts under a burst delivers its first
 * notifications late: a child allocating 200 MB/s from its first millisecond had its first ZGC
 * report placed so late that 23 MiB of landed reservations were counted nowhere. It held 85 % of
 * a heap whose CRITICAL line was 80 %, and once in CI it ran out of memory. So the clock answers
 * only once it is calibrated: after {@link #CALIBRATION_SAMPLES} notifications and
 * {@link #CALIBRATION_NANOS} after it was created. Before that the caller keeps the previous
 * mark, which counts every byte landed since as outside the figure: an over-count, which the
 * usage model caps at the heap's growth.
 *
 * <p>Thread-safe; notifications arrive on the JMX notification thread.
 */
final class GcClock {
    /** End times have millisecond resolution; stepping back this much stays on the safe side. */
    static final long RESOLUTION_NANOS = 2_000_000L;
    static final int CALIBRATION_SAMPLES = 4;
    static final long CALIBRATION_NANOS = 1_000_000_000L;

    /** Returned by {@link #endNanos} while the clock is not calibrated. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private final long createdNanos;
    private long offsetNanos = Long.MAX_VALUE;
    private int samples;

    GcClock(long createdNanos) {
        this.createdNanos = createdNanos;
    }

    /**
     * Learns from one notification and returns a nanoTime at or before which the collection
     * ended, or {@link #UNKNOWN} while the clock is not calibrated.
     *
     * @param endMillis   the collection's end on the management clock (GcInfo.getEndTime())
     * @param arrivalNanos nanoTime when its notification arrived
     */
    synchronized long endNanos(long endMillis, long arrivalNanos) {
        long endOnGcClock = endMillis * 1_000_000L;
        offsetNanos = Math.min(offsetNanos, arrivalNanos - endOnGcClock);
        samples++;
        if (samples < CALIBRATION_SAMPLES || arrivalNanos - createdNanos < CALIBRATION_NANOS) {
            return UNKNOWN;
        }
        return endOnGcClock + offsetNanos - RESOLUTION_NANOS;
    }
}
