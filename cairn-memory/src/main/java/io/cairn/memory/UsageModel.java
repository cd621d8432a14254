package io.cairn.memory;

/**
 * The arithmetic that turns raw readings into "usage": how much of the heap is live, what counts
 * against the budget, and which limit binds. Pure, so every rule is tested with numbers.
 *
 * <p>Three limits bind at once, and the ratio the level comes from is the largest of them:
 * <ul>
 *   <li>the budget: live heap + direct + mapped + reservations + off-heap consumers, over
 *       {@code budget};</li>
 *   <li>the heap: live heap + reservations, over the heap max. The heap is a hard limit of its
 *       own: with the default budget of heap + direct memory, a full heap would otherwise read as
 *       50 % and the process would die at NONE. Reservations are assumed to land on the heap,
 *       which for Cairn's block writes and request bodies they do;</li>
 *   <li>direct memory over -XX:MaxDirectMemorySize.</li>
 * </ul>
 */
final class UsageModel {

    /**
     * One evaluation's numbers. {@code live} already includes {@code landedCounted}, the part of
     * the bytes landed since the last collection that the heap's growth confirms;
     * {@code landedTotal} is the ledger's total when the evaluation read it.
     */
    record Usage(long heapUsed, long heapCommitted, long live, long landedCounted, long landedTotal,
                 long direct, long mapped, long reserved, long offHeap, long used, double ratio,
                 String binding, boolean fastPath) {
    }

    /** Everything one evaluation reads. */
    record Inputs(long heapUsed, long heapCommitted, LiveSetEstimator.Reading reading, long landedTotal,
                  long direct, long mapped, long reserved, long offHeap) {
    }

    private final long budget;
    private final long heapMax;
    private final long maxDirect;
    private final double critical;
    private final double fastPathRatio;

    UsageModel(long budget, long heapMax, long maxDirect, double critical, double fastPathRatio) {
        this.budget = budget;
        this.heapMax = heapMax;
        this.maxDirect = maxDirect;
        this.critical = critical;
        this.fastPathRatio = fastPathRatio;
    }

    Usage compute(Inputs in) {
        LiveSetEstimator.Reading r = in.reading();
        long heapUsed = in.heapUsed();
        long base = r.live();
        long mark = r.landedMark();
        long landedSince = Math.max(0, in.landedTotal() - mark);
        long live;
        long landedCounted;
        if (base < 0) {
            // No collection yet: everything allocated may be live, landed bytes included.
            live = heapUsed;
            landedCounted = Math.min(landedSince, heapUsed);
        } else {
            // Released reservations cannot be more than the heap has grown since the collection.
            long heapGrowth = Math.max(0, heapUsed - base);
            landedCounted = Math.min(landedSince, heapGrowth);
            live = base + Math.max(r.oldGrowth(), landedCounted);
            // The live set is part of what is in use; growth terms must not push it past that.
            live = Math.min(live, Math.max(heapUsed, base));
        }

        long used = live + in.direct() + in.mapped() + in.reserved() + in.offHeap();
        double ratio = (double) used / budget;
        String binding = "budget";
        double byHeap = (double) (live + in.reserved()) / heapMax;
        if (byHeap > ratio) {
            ratio = byHeap;
            binding = "heap";
        }
        double byDirect = maxDirect > 0 ? (double) in.direct() / maxDirect : 0.0;
        if (byDirect > ratio) {
            ratio = byDirect;
            binding = "direct";
        }
        // Near the heap max under a stop-the-world collector the next allocation may fail before
        // any collection reports; concurrent collectors run the heap full as a matter of course
        // (measured: ZGC at 100 % of a 96 MB heap with 30 MB live), so for them it stays off.
        boolean fastPath = fastPathApplies(r.lastKind(), heapUsed);
        if (fastPath && ratio < critical) {
            ratio = critical;
            binding = "heap-fast-path";
        }
        return new Usage(heapUsed, in.heapCommitted(), live, landedCounted, in.landedTotal(), in.direct(), in.mapped(),
                in.reserved(), in.offHeap(), used, ratio, binding, fastPath);
    }

    boolean fastPathApplies(LiveSetEstimator.Kind lastKind, long heapUsedNow) {
        return lastKind == LiveSetEstimator.Kind.STOP_THE_WORLD && heapUsedNow >= fastPathRatio * heapMax;
    }

    /**
     * Heap bytes in use for a reservation check: the snapshot's live heap, plus every byte landed
     * since the snapshot, plus what reservations hold now. A collection since the snapshot makes
     * this over-count until the next evaluation, never under-count.
     */
    long heapInUse(Usage u, long landedTotalNow, long held) {
        return u.live() + Math.max(0, landedTotalNow - u.landedTotal()) + held;
    }

    /** Budget bytes in use for a reservation check, given {@link #heapInUse}. */
    long totalInUse(Usage u, long heapInUse) {
        return heapInUse + u.direct() + u.mapped() + u.offHeap();
    }

    /** The ratio a check would see, the larger of budget and heap. */
    double ratio(long heapInUse, long totalInUse) {
        return Math.max((double) totalInUse / budget, (double) heapInUse / heapMax);
    }
}
