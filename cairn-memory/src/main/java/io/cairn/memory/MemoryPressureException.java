package io.cairn.memory;

import java.time.Duration;

/**
 * Memory is too short to take on more work right now. Retryable: the caller should back off for
 * {@link #retryAfter()} and try again. Carries the numbers behind the decision: the limit that
 * binds, the bytes in use against it and the limit itself.
 */
public class MemoryPressureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final PressureLevel level;
    private final long requestedBytes;
    private final long usedBytes;
    private final long budgetBytes;
    private final BindingLimit bindingLimit;
    private final transient Duration retryAfter;

    /** A refusal without a named limit: the level itself is the reason (a write refused at CRITICAL). */
    public MemoryPressureException(String what, PressureLevel level, long requestedBytes,
                                   long usedBytes, long budgetBytes, Duration retryAfter) {
        super(what + ": memory pressure " + level + " (" + usedBytes + " of " + budgetBytes
                + " bytes in use" + (requestedBytes > 0 ? ", " + requestedBytes + " more requested" : "")
                + "); retry after " + retryAfter.toMillis() + " ms");
        this.level = level;
        this.requestedBytes = requestedBytes;
        this.usedBytes = usedBytes;
        this.budgetBytes = budgetBytes;
        this.bindingLimit = null;
        this.retryAfter = retryAfter;
    }

    /**
     * A refusal because {@code limit} has no room: {@code usedBytes} of {@code limitBytes} are in use on
     * its side and {@code requestedBytes} more would pass the CRITICAL line.
     */
    public MemoryPressureException(String what, BindingLimit limit, long usedBytes, long limitBytes,
                                   long requestedBytes, PressureLevel level, Duration retryAfter) {
        super(what + ": memory pressure on the " + limit.label() + " limit (" + usedBytes + " of " + limitBytes
                + " bytes in use" + (requestedBytes > 0 ? ", " + requestedBytes + " more requested" : "")
                + "; level " + level + "); retry after " + retryAfter.toMillis() + " ms");
        this.level = level;
        this.requestedBytes = requestedBytes;
        this.usedBytes = usedBytes;
        this.budgetBytes = limitBytes;
        this.bindingLimit = limit;
        this.retryAfter = retryAfter;
    }

    /** The same refusal with another retry hint (a caller with a configured back-off). */
    public MemoryPressureException withRetryAfter(Duration after) {
        String what = getMessage().substring(0, getMessage().indexOf(": memory pressure"));
        return bindingLimit == null
                ? new MemoryPressureException(what, level, requestedBytes, usedBytes, budgetBytes, after)
                : new MemoryPressureException(what, bindingLimit, usedBytes, budgetBytes, requestedBytes, level, after);
    }

    public PressureLevel level() { return level; }
    /** Bytes the refused operation wanted, or 0 where it named no amount. */
    public long requestedBytes() { return requestedBytes; }
    /** Bytes in use against {@link #budgetBytes()}. */
    public long usedBytes() { return usedBytes; }
    /** The limit the refusal was measured against: the binding limit's bytes when one is named. */
    public long budgetBytes() { return budgetBytes; }
    /** The limit that had no room, or null when the refusal names none (refused for the level). */
    public BindingLimit bindingLimit() { return bindingLimit; }
    public Duration retryAfter() { return retryAfter; }
}
