package io.cairn.memory;

import java.util.function.LongSupplier;

/**
 * Watches the process's memory against a budget and tells subscribers how hard to push.
 *
 * <p>Created and closed explicitly (there is no static registry): {@link #close()} removes every
 * JMX listener it added and stops its threads. The default implementation is
 * {@link JvmMemoryGovernor}; see docs/MEMORY_MANAGEMENT.md.
 */
public interface MemoryGovernor extends AutoCloseable {

    /** The current pressure level. Cheap: a volatile read. */
    PressureLevel level();

    /** A fresh snapshot of everything the governor measures. */
    MemoryStats stats();

    /** The budget the usage ratio is computed against, in bytes. */
    long budgetBytes();

    /**
     * Subscribes a listener to level changes. Closing the returned registration unsubscribes it.
     */
    Registration addListener(PressureListener listener);

    /**
     * Reserves {@code bytes} for an allocation the caller is about to make (a block write, a request
     * body). Reserved bytes count toward usage until the reservation is released; release it once
     * the bytes are allocated (or the allocation is abandoned).
     *
     * @throws MemoryPressureException at once if the reservation would take usage past the CRITICAL
     *         threshold; the exception carries the bytes wanted, in use, the budget and the level
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    Reservation tryReserve(long bytes);

    /**
     * Whether a reservation of {@code bytes} would be granted now. A hint, not a promise: usage
     * can change before the caller reserves. This default reserves and releases at once;
     * implementations override it with a cheaper check.
     */
    default boolean wouldFit(long bytes) {
        try {
            tryReserve(bytes).release();
            return true;
        } catch (MemoryPressureException e) {
            return false;
        }
    }

    /** Bytes currently held by outstanding reservations. */
    long reservedBytes();

    /**
     * Bytes counted as used against the budget, as of the last evaluation plus what reservations hold
     * and have landed since. Allocates nothing and reads no file: safe to call on a refusal path, when
     * memory is shortest. This default asks {@link #stats()}; the JVM governor overrides it.
     */
    default long usedBytes() {
        return stats().usedBytes();
    }

    /**
     * The exception for refusing {@code bytes} now, naming the limit that binds and its figures, built
     * from the last evaluation without reading /proc. For callers that refuse work on the governor's
     * word ({@link #wouldFit} said no, or the level is CRITICAL). This default asks {@link #stats()}.
     */
    default MemoryPressureException refusal(String what, long bytes) {
        MemoryStats s = stats();
        return new MemoryPressureException(what, s.bindingLimit(), s.bindingUsedBytes(), s.bindingLimitBytes(),
                bytes, s.level(), java.time.Duration.ofSeconds(1));
    }

    /**
     * Reports a consumer's memory use (a cache's weighted size, an off-heap pool) so that the stats
     * and metrics can attribute it. Bytes of an {@link Residence#OFF_HEAP} consumer add to usage;
     * bytes of a {@link Residence#HEAP} consumer are already inside the heap figure and are only
     * reported, never counted twice. Closing the registration stops the reporting.
     */
    Registration registerConsumer(String name, Residence residence, LongSupplier bytes);

    /**
     * Asks the JVM for a full collection, rate-limited (by default at most once per 5 s) with at
     * most one in flight. Never blocks the caller on the collection itself.
     */
    GcRequestResult requestGc();

    /** Stops monitoring and removes every listener. Idempotent. */
    @Override
    void close();

    /** Where a registered consumer's bytes live. */
    enum Residence { HEAP, OFF_HEAP }

    /** What became of a {@link #requestGc()} call. */
    enum GcRequestResult {
        /** A collection was started. */
        STARTED,
        /** One ran too recently; the request was dropped by the rate limit. */
        RATE_LIMITED,
        /** One is already running. */
        IN_FLIGHT,
        /** The JVM runs with -XX:+DisableExplicitGC, so the request can have no effect. */
        INEFFECTIVE
    }

    /** A subscription or report that ends when closed. Idempotent. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Reserved bytes; {@link #release()} (or close) gives them back. Idempotent. */
    interface Reservation extends AutoCloseable {
        long bytes();

        void release();

        /**
         * Releases the reservation, telling the governor that only {@code allocatedBytes} of it were
         * allocated (a buffer reserved for a maximum and filled less). Only those count as landed
         * until a collection sees them. This default releases it all as allocated.
         */
        default void release(long allocatedBytes) {
            release();
        }

        @Override
        default void close() {
            release();
        }
    }
}
