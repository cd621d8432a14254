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
 *       cycle is taken as it is, and the young part is the smallest seen over the last
 *       {@value #CONCURRENT_WINDOW} cycles: allocation during a cycle only ever inflates it. A
 *       young live set that persists is promoted within a few cycles and then shows in the old
 *       generation, so the long window costs little promptness.</li>
 * </ul>
 * Between stop-the-world collections the old generation can grow without one (G1 allocates
 * humongous objects straight into it), so growth of the old pools since the last report is added
 * on top.
 *
 * <p>Thread-safe: reports arrive on the JMX notification thread, readings on the monitor thread.
 */
final class LiveSetEstimator {
    static final int CONCURRENT_WINDOW = 16;

    /** How a collection reported itself. */
    enum Kind { STOP_THE_WORLD, CONCURRENT }

    private final long[] youngWindow = new long[CONCURRENT_WINDOW];
    private final long[] markWindow = new long[CONCURRENT_WINDOW];
    private int youngCount;
    private int youngNext;

    /**
     * @param quietYoungBytes the young generation's use at a moment known to be quiet (the
     *                        governor's start, before any cycle it sees), or -1 if unknown. It
     *                        seeds the young window: the first cycles of a busy JVM that has
     *                        just started end with the heap full (measured: ZGC's first cycles
     *                        under churn reported 80 to 88 MB young of a 96 MB heap, later ones 6
     *                        to 30 MB), and a minimum over one or two such cycles would read that
     *                        as live. The seed ages out of the window like any other sample.
     */
    LiveSetEstimator(long quietYoungBytes) {
        if (quietYoungBytes >= 0) {
            youngWindow[0] = quietYoungBytes;
            youngNext = 1;
            youngCount = 1;
        }
    }

    LiveSetEstimator() {
        this(-1);
    }

    private boolean seen;
    private Kind lastKind = Kind.STOP_THE_WORLD;
    private long heapAfter;
    private long oldAfter;
    private long landedMark;

    /**
     * Records one collection's end state.
     *
     * @param heapAfterBytes heap used after it, all heap pools
     * @param oldAfterBytes  old-generation pools used after it, 0 if the heap has no such pool
     * @param landedTotal    the governor's running total of released reservations when the
     *                       report arrived: everything up to it is inside this figure
     */
    synchronized void onCollection(Kind kind, long heapAfterBytes, long oldAfterBytes, long landedTotal) {
        seen = true;
        landedMark = landedTotal;
        lastKind = kind;
        heapAfter = heapAfterBytes;
        oldAfter = oldAfterBytes;
        if (kind == Kind.CONCURRENT) {
            youngWindow[youngNext] = Math.max(0, heapAfterBytes - oldAfterBytes);
            markWindow[youngNext] = landedTotal;
            youngNext = (youngNext + 1) % CONCURRENT_WINDOW;
            youngCount = Math.min(youngCount + 1, CONCURRENT_WINDOW);
        }
    }

    /** One consistent reading of everything the estimator holds. */
    record Reading(long live, long heapAfter, long oldGrowth, long landedMark, Kind lastKind) {
    }

    /**
     * The live set as of the last collection ({@code live}, -1 before any), plus what goes with it,
     * taken under one lock so a report arriving meanwhile cannot mix two collections' figures.
     */
    synchronized Reading read(long oldUsedNow) {
        return new Reading(liveAtLastCollection(), heapAfter, oldGrowthSince(oldUsedNow), estimateMark(), lastKind);
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

    /**
     * The landed total the live estimate accounts for. For a concurrent collector that is the mark
     * of the cycle whose young part the estimate uses: bytes landed after it may sit in the young
     * generation that the minimum leaves out.
     */
    private long estimateMark() {
        if (lastKind == Kind.STOP_THE_WORLD || youngCount == 0) {
            return landedMark;
        }
        int best = 0;
        for (int i = 1; i < youngCount; i++) {
            if (youngWindow[i] < youngWindow[best]) {
                best = i;
            }
        }
        return markWindow[best];
    }

    /** Heap used right after the most recent collection (raw, not windowed); 0 before any. */
    synchronized long heapAfterLastCollection() {
        return heapAfter;
    }

    /**
     * The live set as of the last collection, without growth since; -1 before any collection.
     */
    synchronized long liveAtLastCollection() {
        if (!seen) {
            return -1;
        }
        if (lastKind == Kind.STOP_THE_WORLD || youngCount == 0) {
            return heapAfter;
        }
        long minYoung = Long.MAX_VALUE;
        for (int i = 0; i < youngCount; i++) {
            minYoung = Math.min(minYoung, youngWindow[i]);
        }
        return oldAfter + minYoung;
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
