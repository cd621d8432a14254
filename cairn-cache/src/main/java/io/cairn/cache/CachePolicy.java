package io.cairn.cache;

/** Run-time view and control of a cache's bound and admission. */
public interface CachePolicy {

    /** The configured maximum total weight (as set by the builder or {@link #setMaximum}). */
    long maximum();

    /**
     * Sets the configured maximum. Shrinking evicts synchronously (cause {@link RemovalCause#SIZE})
     * before this method returns.
     *
     * @throws IllegalArgumentException if {@code maxWeight} is negative
     */
    void setMaximum(long maxWeight);

    /**
     * The bound in force now: the configured maximum scaled down by the governor while memory is
     * pressed, restored step by step afterwards. Equal to {@link #maximum()} without a governor.
     */
    long effectiveMaximum();

    EvictionPolicy evictionPolicy();

    /**
     * Whether puts and loads are retained now: false while either {@link #setAdmitting(boolean)}
     * turned admission off or the governor's level forbids it.
     */
    boolean isAdmitting();

    /** Turns admission on or off by hand. Off: puts and loads are not retained (reads still hit). */
    void setAdmitting(boolean admitting);

    /** Writes queued by write-behind and not yet in the store (0 without write-behind). */
    long pendingWrites();

    /** Failed write attempts so far (write-through and write-behind; each retry counts). */
    long writeFailures();
}
