package io.cairn.cache;

/** Why an entry left the cache. */
public enum RemovalCause {
    /** {@link Cache#invalidate} or {@link Cache#invalidateAll}. */
    EXPLICIT,
    /** A put replaced the value (or dropped it because the cache was not admitting). */
    REPLACED,
    /** The eviction policy chose it to stay within the maximum weight. */
    SIZE,
    /** Its write or access lifetime ran out. */
    EXPIRED,
    /** Trimmed because the memory governor reported pressure. */
    PRESSURE;

    /** True for removals the cache decided on its own (SIZE, EXPIRED, PRESSURE). */
    public boolean wasEvicted() {
        return this == SIZE || this == EXPIRED || this == PRESSURE;
    }
}
