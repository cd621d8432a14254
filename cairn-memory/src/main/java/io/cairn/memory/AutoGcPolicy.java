package io.cairn.memory;

/**
 * When the governor asks for a collection by itself. Its live-set reading only moves when a collection
 * runs, so an idle process would otherwise keep a raised level forever.
 * <ul>
 *   <li>On rising to {@code autoGcLevel} or above, unless a major collection ended within
 *       {@code gcMinInterval} (the rise was measured by it; a second one would only repeat the reading
 *       and double the pause, seen in the soak under G1).</li>
 *   <li>Again whenever the level has stayed there with no collection for {@code gcMinInterval}.</li>
 *   <li>Once pressure has eased below {@code autoGcLevel}, up to {@value #SETTLE_COLLECTIONS} more
 *       (each only when no collection has run for {@code gcMinInterval}) while the level is above NONE:
 *       an idle process after a burst otherwise keeps the burst's garbage in its reading
 *       ({@code MemoryPressureFloodTest} in cairn-server saw level 3 held for a minute).</li>
 * </ul>
 * Pure: times and facts come from the caller; not thread-safe (the monitor thread drives it).
 */
final class AutoGcPolicy {
    static final int SETTLE_COLLECTIONS = 3;

    /** What an evaluation should do about collections. */
    enum Decision { NOTHING, COLLECT, SETTLE }

    private final PressureLevel autoGcLevel;
    private final long gcMinIntervalNanos;
    private int settleLeft;

    AutoGcPolicy(PressureLevel autoGcLevel, long gcMinIntervalNanos) {
        this.autoGcLevel = autoGcLevel;
        this.gcMinIntervalNanos = gcMinIntervalNanos;
    }

    /**
     * @param seenCollection      whether any collection has been reported
     * @param lastCollectionNanos when the last one ended
     * @param lastMajorNanos      when the last major one ended, 0 if none
     */
    Decision decide(PressureLevel previous, PressureLevel next, long nowNanos, boolean seenCollection,
                    long lastCollectionNanos, long lastMajorNanos) {
        if (autoGcLevel == null) {
            return Decision.NOTHING;
        }
        boolean stale = !seenCollection || nowNanos - lastCollectionNanos >= gcMinIntervalNanos;
        if (next.atLeast(autoGcLevel)) {
            settleLeft = SETTLE_COLLECTIONS;
            boolean justCollectedOld = lastMajorNanos != 0 && nowNanos - lastMajorNanos < gcMinIntervalNanos;
            return (next.ordinal() > previous.ordinal() && !justCollectedOld) || stale ? Decision.COLLECT
                    : Decision.NOTHING;
        }
        if (next != PressureLevel.NONE && settleLeft > 0 && stale) {
            return Decision.SETTLE;
        }
        if (next == PressureLevel.NONE) {
            settleLeft = 0;
        }
        return Decision.NOTHING;
    }

    /** A settling collection was actually started: one fewer left. */
    void settleStarted() {
        if (settleLeft > 0) {
            settleLeft--;
        }
    }

    int settleLeft() {
        return settleLeft;
    }
}
