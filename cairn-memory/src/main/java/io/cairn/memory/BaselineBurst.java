package io.cairn.memory;

/**
 * Whether a rise read from a young (minor) stop-the-world collection is a burst of growth from an exact
 * reading, and so may be acted on before a confirming full collection.
 *
 * <p>A major collection's figure is exact: it holds no garbage. Young collections after it report that
 * figure plus what they copied out of the young generation since (reachable when they copied it) plus
 * the garbage that promoted objects became afterwards. The garbage part grows slowly — one young
 * collection at a time, as promoted objects die — while the growth that crosses a threshold in a
 * burst arrives in one or two collections. So a rise is a <em>burst</em> when
 * <ul>
 *   <li>a major collection's figure (the baseline) is known, and every reading since was within
 *       {@code calmBytes} of it until the current burst began;</li>
 *   <li>the burst began (the first reading above the calm band) at most {@code windowNanos} ago;</li>
 *   <li>the reading is at most {@code limitBytes} above the baseline.</li>
 * </ul>
 * A burst's garbage is therefore at most what died within the window, and never more than the limit;
 * the governor still asks for a full collection after acting on it, and a refuted burst falls back
 * after the usual dwell. Growth that creeps (garbage promoted over many collections, the region-tail
 * waste of a large fill read only by young collections) stays outside the band or the window and is
 * confirmed by a full collection first, as before ({@link RiseConfirmation}).
 *
 * <p>Concurrent collectors' cycles are not bursts: their figures include allocation during the cycle.
 * Thread-safe: collections arrive on the JMX notification thread, questions on the monitor thread.
 */
final class BaselineBurst {
    /** How long a burst may take, from its first reading above the calm band to the rising one. */
    static final long WINDOW_NANOS = 500_000_000L;

    private final long calmBytes;
    private final long limitBytes;
    private final long windowNanos;

    private long baseline = -1;
    /** Whether the newest reading since the baseline is above the calm band. */
    private boolean bursting;
    /** When the first reading of the current burst arrived. */
    private long burstStartNanos;

    /**
     * @param calmBytes   how far above the baseline a young reading may be and still count as calm
     * @param limitBytes  the most a burst may add to the baseline
     * @param windowNanos the longest a burst may take
     */
    BaselineBurst(long calmBytes, long limitBytes, long windowNanos) {
        if (calmBytes < 0 || limitBytes < calmBytes || windowNanos < 0) {
            throw new IllegalArgumentException("need 0 <= calm <= limit and window >= 0, got " + calmBytes + ", "
                    + limitBytes + ", " + windowNanos);
        }
        this.calmBytes = calmBytes;
        this.limitBytes = limitBytes;
        this.windowNanos = windowNanos;
    }

    /** A major collection ended with {@code heapAfter} bytes in use: the new baseline. */
    synchronized void major(long heapAfter) {
        baseline = heapAfter;
        bursting = false;
    }

    /** A young stop-the-world collection ended with {@code heapAfter} bytes in use. */
    synchronized void minor(long heapAfter, long nowNanos) {
        if (baseline < 0) {
            return;
        }
        if (heapAfter <= baseline + calmBytes) {
            bursting = false;
        } else if (!bursting) {
            bursting = true;
            burstStartNanos = nowNanos;
        }
    }

    /** A concurrent cycle: its figures say nothing exact, so no baseline holds until the next major one. */
    synchronized void concurrent() {
        baseline = -1;
        bursting = false;
    }

    /** Whether a live-set reading of {@code live} bytes, taken now, is a burst from the baseline. */
    synchronized boolean explains(long live, long nowNanos) {
        return baseline >= 0 && bursting && nowNanos - burstStartNanos <= windowNanos
                && live <= baseline + limitBytes;
    }

    /** The baseline in bytes, -1 if none. */
    synchronized long baseline() {
        return baseline;
    }
}
