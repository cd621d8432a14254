package io.cairn.memory;

/**
 * The arithmetic that turns raw readings into "usage": how much of the heap is live, what counts
 * against the budget, and which limit binds. Pure, so every rule is tested with numbers.
 *
 * <p>Each limit gets its own ratio, and the level comes from the largest ({@link BindingLimit}):
 * <ul>
 *   <li>{@code HEAP}: live heap + reservations over the heap max. Heap-resident bytes are measured
 *       against the heap, never against a larger stated budget: with a 1 GiB budget over a 128 MiB
 *       heap, a full heap is 100 %, not 12 %. Reservations are assumed to land on the heap, which for
 *       Cairn's block writes and request bodies they do;</li>
 *   <li>{@code BUDGET}: live heap + direct + reservations + off-heap consumers over the budget;</li>
 *   <li>{@code DIRECT}: direct buffers over -XX:MaxDirectMemorySize;</li>
 *   <li>{@code NATIVE}: direct buffers + off-heap consumers over what is left outside the heap (the
 *       budget, capped by the container limit, minus the heap max), when anything is;</li>
 *   <li>{@code CONTAINER} / {@code PROCESS}: the kernel's figure ({@link KernelMemory}) over the cgroup's
 *       limit, or, outside one, the anonymous RSS over an explicitly set budget larger than the heap.</li>
 * </ul>
 * Mapped buffers are not usage: their pages are file-backed and the kernel reclaims them. They are
 * reported, for information only.
 */
final class UsageModel {

    /**
     * One evaluation's numbers. {@code live} already includes {@code landedCounted}, the part of
     * the bytes landed since the last collection that the heap's growth confirms;
     * {@code landedTotal} is the ledger's total when the evaluation read it. {@code bindingUsed} and
     * {@code bindingLimitBytes} are the two figures the ratio was computed from.
     */
    record Usage(long heapUsed, long heapCommitted, long live, long landedCounted, long landedTotal,
                 long direct, long mapped, long reserved, long offHeap, long used, double ratio,
                 BindingLimit binding, boolean fastPath, long kernelCharge, long kernelLimit,
                 long bindingUsed, long bindingLimitBytes) {
    }

    /**
     * Everything one evaluation reads. {@code kernelCharge}/{@code kernelLimit}: the kernel's figure and
     * the limit it is held against (-1 when not known or not applicable); {@code kernelBinding} says
     * which of CONTAINER or PROCESS that is. {@code oldUsed}: old-generation pools in use now (-1 if
     * the heap has none).
     */
    record Inputs(long heapUsed, long heapCommitted, LiveSetEstimator.Reading reading, long landedTotal,
                  long direct, long mapped, long reserved, long offHeap, long oldUsed,
                  long kernelCharge, long kernelLimit, BindingLimit kernelBinding) {
        Inputs(long heapUsed, long heapCommitted, LiveSetEstimator.Reading reading, long landedTotal,
               long direct, long mapped, long reserved, long offHeap) {
            this(heapUsed, heapCommitted, reading, landedTotal, direct, mapped, reserved, offHeap, -1, -1, -1, null);
        }
    }

    private final long budget;
    private final long heapMax;
    private final long maxDirect;
    private final long nativeRoom;
    private final double critical;
    private final double high;
    private final double fastPathRatio;
    private final double kernelFloor;

    UsageModel(long budget, long heapMax, long maxDirect, double critical, double fastPathRatio) {
        this(budget, heapMax, maxDirect, -1, critical, 0.85, fastPathRatio);
    }

    UsageModel(long budget, long heapMax, long maxDirect, long containerLimit, double critical, double high,
               double fastPathRatio) {
        this(budget, heapMax, maxDirect, containerLimit, critical, high, fastPathRatio, high - 0.05);
    }

    /**
     * @param containerLimit the cgroup's limit, -1 if none: native room is counted within it
     * @param high           the HIGH threshold: the fast path needs the old generation past it
     * @param kernelFloor    the kernel's figure takes part only from this ratio up (HIGH less the
     *                       hysteresis): below it, what the kernel counts is the JVM at rest
     */
    UsageModel(long budget, long heapMax, long maxDirect, long containerLimit, double critical, double high,
               double fastPathRatio, double kernelFloor) {
        this.kernelFloor = kernelFloor;
        this.budget = budget;
        this.heapMax = heapMax;
        this.maxDirect = maxDirect;
        long outer = containerLimit > 0 ? Math.min(budget, containerLimit) : budget;
        this.nativeRoom = outer - heapMax;
        this.critical = critical;
        this.high = high;
        this.fastPathRatio = fastPathRatio;
    }

    /** What is left outside the heap for native memory, or a non-positive number if nothing is. */
    long nativeRoom() {
        return nativeRoom;
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

        long used = live + in.direct() + in.reserved() + in.offHeap();
        double ratio = (double) used / budget;
        BindingLimit binding = BindingLimit.BUDGET;
        long bindingUsed = used;
        long bindingLimit = budget;
        long heapSide = live + in.reserved();
        double byHeap = (double) heapSide / heapMax;
        if (byHeap > ratio) {
            ratio = byHeap;
            binding = BindingLimit.HEAP;
            bindingUsed = heapSide;
            bindingLimit = heapMax;
        }
        double byDirect = maxDirect > 0 ? (double) in.direct() / maxDirect : 0.0;
        if (byDirect > ratio) {
            ratio = byDirect;
            binding = BindingLimit.DIRECT;
            bindingUsed = in.direct();
            bindingLimit = maxDirect;
        }
        long nativeSide = in.direct() + in.offHeap();
        if (nativeRoom > 0 && nativeSide > 0) {
            double byNative = (double) nativeSide / nativeRoom;
            if (byNative > ratio) {
                ratio = byNative;
                binding = BindingLimit.NATIVE;
                bindingUsed = nativeSide;
                bindingLimit = nativeRoom;
            }
        }
        if (in.kernelLimit() > 0 && in.kernelCharge() >= 0 && in.kernelBinding() != null) {
            // Only near the limit: a JVM's fixed native memory (130-160 MiB for the server) and a heap that
            // a concurrent collector keeps committed are most of a small container at rest, and would
            // otherwise hold the level at LOW or MEDIUM forever (ZGC in a 320 MiB group never got back
            // to 0 after a flood). The kernel acts at 100 %; HIGH and CRITICAL are what must come first.
            double byKernel = (double) in.kernelCharge() / in.kernelLimit();
            if (byKernel >= kernelFloor && byKernel > ratio) {
                ratio = byKernel;
                binding = in.kernelBinding();
                bindingUsed = in.kernelCharge();
                bindingLimit = in.kernelLimit();
            }
        }
        // Near the heap max under a stop-the-world collector the next allocation may fail before
        // any collection reports; concurrent collectors run the heap full as a matter of course
        // (measured: ZGC at 100 % of a 96 MB heap with 30 MB live), so for them it stays off.
        boolean fastPath = fastPathApplies(r.lastKind(), heapUsed, in.oldUsed());
        if (fastPath && ratio < critical) {
            ratio = critical;
            binding = BindingLimit.HEAP_FAST_PATH;
            bindingUsed = heapUsed;
            bindingLimit = heapMax;
        }
        return new Usage(heapUsed, in.heapCommitted(), live, landedCounted, in.landedTotal(), in.direct(), in.mapped(),
                in.reserved(), in.offHeap(), used, ratio, binding, fastPath, in.kernelCharge(), in.kernelLimit(),
                bindingUsed, bindingLimit);
    }

    /**
     * The heap is full enough that the next allocation may fail before a collection reports: heap use
     * at the fast-path ratio, and the old generation itself past HIGH (when it is known). A heap that
     * is full of young garbage is not: the next allocation starts a young collection that frees it.
     * Without that second condition, a G1 heap whose eden had grown into the free space read as
     * CRITICAL and refused writes at level NONE.
     */
    boolean fastPathApplies(LiveSetEstimator.Kind lastKind, long heapUsedNow, long oldUsedNow) {
        return lastKind == LiveSetEstimator.Kind.STOP_THE_WORLD && heapUsedNow >= fastPathRatio * heapMax
                && (oldUsedNow < 0 || oldUsedNow >= high * heapMax);
    }

    /**
     * Heap bytes in use for a reservation check: the snapshot's live heap, plus every byte landed
     * since the snapshot, plus what reservations hold now. A collection since the snapshot makes
     * this over-count until the next evaluation, never under-count.
     */
    long heapInUse(Usage u, long landedTotalNow, long held) {
        return u.live() + Math.max(0, landedTotalNow - u.landedTotal()) + held;
    }

    /** Budget bytes in use for a reservation check, given {@link #heapInUse}. Mapped buffers are not counted. */
    long totalInUse(Usage u, long heapInUse) {
        return heapInUse + u.direct() + u.offHeap();
    }

    /** The ratio a check would see, the larger of budget and heap. */
    double ratio(long heapInUse, long totalInUse) {
        return Math.max((double) totalInUse / budget, (double) heapInUse / heapMax);
    }
}
