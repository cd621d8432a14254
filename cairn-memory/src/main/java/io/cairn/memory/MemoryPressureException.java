package io.cairn.memory;

import java.time.Duration;

/**
 * Memory is too short to take on more work right now. Retryable: the caller should back off for
 * {@link #retryAfter()} and try again. Carries the numbers behind the decision.
 */
public class MemoryPressureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final PressureLevel level;
    private final long requestedBytes;
    private final long usedBytes;
    private final long budgetBytes;
    private final transient Duration retryAfter;

    public MemoryPressureException(String what, PressureLevel level, long requestedBytes,
                                   long usedBytes, long budgetBytes, Duration retryAfter) {
        super(what + ": memory pressure " + level + " (" + usedBytes + " of " + budgetBytes
                + " bytes in use" + (requestedBytes > 0 ? ", " + requestedBytes + " more requested" : "")
                + "); retry after " + retryAfter.toMillis() + " ms");
        this.level = level;
        this.requestedBytes = requestedBytes;
        this.usedBytes = usedBytes;
        this.budgetBytes = budgetBytes;
        this.retryAfter = retryAfter;
    }

    public PressureLevel level() { return level; }
    /** Bytes the refused operation wanted, or 0 where it named no amount. */
    public long requestedBytes() { return requestedBytes; }
    public long usedBytes() { return usedBytes; }
    public long budgetBytes() { return budgetBytes; }
    public Duration retryAfter() { return retryAfter; }
}
