package io.cairn.memory;

/**
 * Garbage never raises the level: a rise that only the live-set estimate shows is confirmed by a
 * collection that sees the whole heap before listeners hear of it.
 *
 * <p>Between major collections the estimate is the heap after the last young (or minor) collection,
 * and that still holds old-generation garbage and fragmentation. Measured with {@code ./cairn bench
 * governor} (G1, 256 MiB, 65 % live, 200 MB/s of garbage): young and mixed collections reported 193 to
 * 198 MB after them where a full collection found 165 to 176 MB; the level rose to MEDIUM in 15 of 15
 * trials before anything more was retained. So a rise whose binding limit is the heap or the budget,
 * read from a minor collection, and not explained by the application's own reservations, is held at
 * the current level while the governor asks for a confirming (full) collection. The next major
 * report decides. Rises to CRITICAL, and rises the kernel's figure, direct memory or native memory
 * drive, are never held: they are not estimates.
 *
 * <p>A refuted rise is not asked about again until the estimate has grown by another
 * {@code regrowth} (or {@code maxQuietNanos} has passed), so a heap whose minor figure sits steadily
 * above its major one is not collected over and over. Pure; driven by the monitor thread.
 */
final class RiseConfirmation {
    private final double regrowth;
    private final long maxQuietNanos;

    private boolean pending;
    private double askedRatio;
    private long askedAtNanos;
    private double refutedRatio = Double.NaN;
    private long refutedAtNanos;

    /**
     * @param regrowth      how much the ratio must grow past a refuted reading before asking again
     * @param maxQuietNanos after this long a refuted reading is asked about again anyway
     */
    RiseConfirmation(double regrowth, long maxQuietNanos) {
        this.regrowth = regrowth;
        this.maxQuietNanos = maxQuietNanos;
    }

    /** What the evaluation should do with its reading. */
    enum Verdict {
        /** Use the reading as it is. */
        ACCEPT,
        /** Hold the level and ask for a confirming collection. */
        HOLD_AND_COLLECT,
        /** Hold the level; a confirmation was already asked for or the reading was refuted. */
        HOLD
    }

    /**
     * @param rising        the level the reading would rise to, above the current one
     * @param needsConfirm  whether the reading is an unconfirmed estimate (see the class comment)
     * @param ratio         the reading's ratio
     */
    Verdict judge(PressureLevel rising, boolean needsConfirm, double ratio, long nowNanos) {
        if (!needsConfirm || rising == PressureLevel.CRITICAL) {
            pending = false;
            return Verdict.ACCEPT;
        }
        if (pending && nowNanos - askedAtNanos < maxQuietNanos) {
            return Verdict.HOLD;
        }
        if (!Double.isNaN(refutedRatio) && ratio < refutedRatio + regrowth
                && nowNanos - refutedAtNanos < maxQuietNanos) {
            return Verdict.HOLD;
        }
        pending = true;
        askedRatio = ratio;
        askedAtNanos = nowNanos;
        return Verdict.HOLD_AND_COLLECT;
    }

    /**
     * A major collection reported: the pending question is answered by the next evaluation, which reads
     * its figure. Until a rise is accepted, the reading that asked counts as refuted.
     */
    void majorCollection(long nowNanos) {
        if (pending) {
            refutedRatio = askedRatio;
            refutedAtNanos = nowNanos;
        }
        pending = false;
    }

    /** The confirming collection could not start (rate limit, one in flight): ask again next time. */
    void notStarted() {
        pending = false;
    }

    /** The level fell to NONE or a rise was accepted: forget refutations. */
    void reset() {
        pending = false;
        refutedRatio = Double.NaN;
    }

    boolean pending() {
        return pending;
    }
}
