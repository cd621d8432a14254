package io.cairn.memory;

/**
 * Estimates the live heap from what the collectors report at the end of each collection, so that
 * garbage never counts as usage.
 *
 * <p>Two kinds of report need two readings:
 * <ul>
 *   <li><b>Stop-the-world collections</b> (G1 young/mixed/full, Parallel, Serial): when the pause
 *       ends the collected space is empty, so heap used after the collection is the live set plus
 *       whatever garbage the old generation still holds. The newest report is used as is.</li>
 *   <li><b>Concurrent cycles</b> (generational ZGC, Shenandoah): the heap keeps filling while the
 *       cycle runs, and the "after" figure includes everything allocated meanwhile. Measured on a
 *       96 MB heap with 30 MB live and heavy churn, ZGC minor cycles ended with 42 to 96 MB in use,
 *       while the old generation alone stayed at 36 to 44 MB. So the old generation after the last
 *       cycle is taken as it is, and the young part is the smallest seen over the cycles of the
 *       last second (at most {@value #CONCURRENT_WINDOW}, the newest always included): allocation
 *       during a cycle only ever inflates it. A young live set that persists shows in every cycle,
 *       so the minimum follows a real rise within a second; a busy heap cycles often and gets a
 *       deep minimum, a quiet one is read from its last cycle, which little allocation disturbed.</li>
 * </ul>
 * Between stop-the-world collections the old generation can grow without one (G1 allocates
 * humongous objects straight into it), so growth of the old pools since the last report is added
 * on top.
 *
 * <p>Thread-safe: reports arrive on the JMX notification thread, readings on the monitor thread.
 */
final class LiveSetEstimator {
    static final int CONCURRENT_WINDOW = 16;
    /** Young figures older than this leave the minimum, so a quiet heap is read from its last cycle. */
    static final long WINDOW_NANOS = 1_000_000_000L;

    /** How a collection reported itself. */
    enum Kind { STOP_THE_WORLD, CONCURRENT }

    /** One consistent reading of everything the estimator holds. */
    record Reading(long live, long heapAfter, long oldGrowth, long landedMark, Kind lastKind) {
    }

    private final long seedYoung;
    private final long seedNanos;
    private final long[] youngWindow = new long[CONCURRENT_WINDOW];
    private final long[] markWindow = new long[CONCURRENT_WINDOW];
    private final long[] timeWindow = new long[CONCURRENT_WINDOW];
    private int youngCount;
    private int youngNext;

    private boolean seen;
    private Kind lastKind = Kind.STOP_THE_WORLD;
    private long heapAfter;
    private long oldAfter;
    private long landedMark;

    /**
     * @param quietYoungBytes the young generation's use at a moment known to be quiet (the
     *                        governor's start), or -1 if unknown. For the first window it takes
     *                        part in the young minimum: the first cycles of a JVM that starts
     *                        allocating at full speed end with the heap full (measured: ZGC's
     *                        first cycles under churn reported 80 to 88 MB young of a 96 MB heap,
     *                        later ones 6 to 30 MB), and a minimum over one or two such cycles
     *                        would read that as live.
     * @param nowNanos        when that reading was taken
     */
    LiveSetEstimator(long quietYoungBytes, long nowNanos) {
        this.seedYoung = quietYoungBytes;
        this.seedNanos = nowNanos;
    }

    LiveSetEstimator() {
        this(-1, 0);
    }

    /**
     * Records one collection's end state.
     *
     * @param heapAfterBytes heap used after it, all heap pools
     * @param oldAfterBytes  old-generation pools used after it, 0 if the heap has no such pool
     * @param landedTotal    the governor's running total of released reservations when the
     *                       collection ended: everything up to it is inside this figure
     */
    synchronized void onCollection(Kind kind, long heapAfterBytes, long oldAfterBytes, long landedTotal,
                                   long nowNanos) {
        seen = true;
        landedMark = landedTotal;
        lastKind = kind;
        heapAfter = heapAfterBytes;
        oldAfter = oldAfterBytes;
        if (kind == Kind.CONCURRENT) {
            youngWindow[youngNext] = Math.max(0, heapAfterBytes - oldAfterBytes);
            markWindow[youngNext] = landedTotal;
            timeWindow[youngNext] = nowNanos;
            youngNext = (youngNext + 1) % CONCURRENT_WINDOW;
            youngCount = Math.min(youngCount + 1, CONCURRENT_WINDOW);
        }
    }

    /**
     * The live set as of the last collection ({@code live}, -1 before any), plus what goes with it,
     * taken under one lock so a report arriving meanwhile cannot mix two collections' figures.
     */
    synchronized Reading read(long oldUsedNow, long nowNanos) {
        return new Reading(liveAtLastCollection(nowNanos), heapAfter, oldGrowthSince(oldUsedNow),
                estimateMark(nowNanos), lastKind);
    }

    /** True once a collection has been reported. */
    synchronized boolean seenCollection() {
        return seen;
    }

    /** The kind of the most recent report; STOP_THE_WORLD before any. */
    synchronized Kind lastKind() {
        return lastKind;
    }

    /** The landed-bytes total the most recent collection already accounts for; 0 before any. */
    synchronized long landedMark() {
        return landedMark;
    }

    /** Heap used right after the most recent collection (raw, not windowed); 0 before any. */
    synchronized long heapAfterLastCollection() {
        return heapAfter;
    }

    /** The live set as of the last collection, without growth since; -1 before any collection. */
    synchronized long liveAtLastCollection(long nowNanos) {
        if (!seen) {
            return -1;
        }
        if (lastKind == Kind.STOP_THE_WORLD || youngCount == 0) {
            return heapAfter;
        }
        int best = youngMinIndex(nowNanos);
        return oldAfter + (best < 0 ? seedYoung : youngWindow[best]);
    }

    /**
     * Index of the smallest young figure among the cycles of the last {@link #WINDOW_NANOS} (the
     * newest always counts), or -1 while the start-up seed is still in the window and smaller.
     */
    private int youngMinIndex(long nowNanos) {
        int newest = (youngNext - 1 + CONCURRENT_WINDOW) % CONCURRENT_WINDOW;
        int best = newest;
        for (int i = 0; i < youngCount; i++) {
            if (nowNanos - timeWindow[i] <= WINDOW_NANOS && youngWindow[i] < youngWindow[best]) {
                best = i;
            }
        }
        boolean seedApplies = seedYoung >= 0 && nowNanos - seedNanos <= WINDOW_NANOS;
        return seedApplies && seedYoung < youngWindow[best] ? -1 : best;
    }

    /**
     * The landed total the live estimate accounts for. For a concurrent collector that is the mark
     * of the cycle whose young part the estimate uses: bytes landed after it may sit in the young
     * generation that the minimum leaves out. The seed predates every reservation.
     */
    private long estimateMark(long nowNanos) {
        if (lastKind == Kind.STOP_THE_WORLD || youngCount == 0) {
            return landedMark;
        }
        int best = youngMinIndex(nowNanos);
        return best < 0 ? 0 : markWindow[best];
    }

    /**
     * How much the old generation grew since the last collection; 0 if unknown. Only after
     * stop-the-world collections: a concurrent collector's old generation grows mid-cycle by
     * promoting young objects the young part of the estimate already counts.
     */
    synchronized long oldGrowthSince(long oldUsedNow) {
        if (!seen || oldUsedNow < 0 || lastKind != Kind.STOP_THE_WORLD) {
            return 0;
        }
        return Math.max(0, oldUsedNow - oldAfter);
    }
}
