package io.cairn.memory;

/**
 * Turns a stream of usage ratios into a pressure level that does not flap. Pure: it is driven with
 * numbers and times, so its rules are tested without a JVM under pressure.
 *
 * <p>Rising is immediate: a live set that crosses a threshold must be acted on at once, and the
 * usage signal is already free of garbage, so a rise is never noise. Falling is held back twice:
 * usage must drop a margin below the threshold of the level being left (a live set hovering at a
 * threshold otherwise toggles the level on every sample), and the level must have been held a
 * minimum time (listeners that trim caches on a rise should not be told to undo it a moment later).
 * A fall may skip levels: it lands on the highest level whose exit line usage is still above.
 *
 * <p>Not thread-safe; the governor drives it from its monitor thread only.
 */
final class LevelStateMachine {
    private final double[] enter = new double[5];
    private final double[] exit = new double[5];
    private final long minDwellNanos;

    private PressureLevel level = PressureLevel.NONE;
    private long enteredAtNanos;

    LevelStateMachine(GovernorConfig config, long nowNanos) {
        for (PressureLevel l : PressureLevel.values()) {
            enter[l.ordinal()] = config.threshold(l);
            exit[l.ordinal()] = l == PressureLevel.NONE ? Double.NEGATIVE_INFINITY
                    : config.threshold(l) - config.hysteresis();
        }
        this.minDwellNanos = config.minDwell().toNanos();
        this.enteredAtNanos = nowNanos;
    }

    PressureLevel level() {
        return level;
    }

    /**
     * Feeds one usage ratio observed at {@code nowNanos} and returns the level after it. The
     * caller compares with the previous level to see a change.
     */
    PressureLevel update(double ratio, long nowNanos) {
        PressureLevel rising = levelEnteredAt(ratio);
        if (rising.ordinal() > level.ordinal()) {
            moveTo(rising, nowNanos);
            return level;
        }
        if (nowNanos - enteredAtNanos < minDwellNanos) {
            return level;
        }
        PressureLevel falling = level;
        while (falling != PressureLevel.NONE && ratio < exit[falling.ordinal()]) {
            falling = PressureLevel.ofSeverity(falling.ordinal() - 1);
        }
        if (falling != level) {
            moveTo(falling, nowNanos);
        }
        return level;
    }

    /** The level whose band {@code ratio} falls in, ignoring hysteresis: where a rise lands. */
    PressureLevel levelEnteredAt(double ratio) {
        PressureLevel result = PressureLevel.NONE;
        for (PressureLevel l : PressureLevel.values()) {
            if (ratio >= enter[l.ordinal()]) {
                result = l;
            }
        }
        return result;
    }

    private void moveTo(PressureLevel next, long nowNanos) {
        level = next;
        enteredAtNanos = nowNanos;
    }
}
