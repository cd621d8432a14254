package io.cairn.memory;

/**
 * How hard memory is pressed, from {@link #NONE} to {@link #CRITICAL}. The ordinal is the
 * degradation level (0–4) that the rest of Cairn reacts to and that the metrics export.
 */
public enum PressureLevel {
    /** Below the LOW threshold (60 % of the budget by default): full service. */
    NONE,
    /** 60 %+ by default: monitor more often. */
    LOW,
    /** 75 %+ by default: request a GC (rate-limited) and trim caches. */
    MEDIUM,
    /** 85 %+ by default: stop admitting to caches, trim aggressively. */
    HIGH,
    /** 95 %+ by default: refuse writes with a retryable error; reads are still served. */
    CRITICAL;

    /** The degradation level, 0 for NONE up to 4 for CRITICAL. */
    public int severity() {
        return ordinal();
    }

    public boolean atLeast(PressureLevel other) {
        return ordinal() >= other.ordinal();
    }

    public static PressureLevel ofSeverity(int severity) {
        PressureLevel[] all = values();
        if (severity < 0 || severity >= all.length) {
            throw new IllegalArgumentException("pressure severity must be 0..4, got " + severity);
        }
        return all[severity];
    }
}
