package io.cairn.pin;

import io.cairn.cid.Cid;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The part of a {@link SweepGuard} that other processes sharing the store see: while a collection
 * runs anywhere, a shared "collecting" record exists, and what any process writes or pins is added to
 * a shared spared list that the collecting process reads before each delete batch. Optional: a store
 * no other process shares uses {@link #none()}. cairn-redis's {@code RedisClusterSweep} keeps both
 * in Redis, beside the {@link CollectionLease}.
 *
 * <p>The protocol (argued in docs/ARCHITECTURE.md, "Garbage collection across nodes"):
 * <ul>
 *   <li>A writer, after its block reached the store and before acknowledging, calls {@link #record}.
 *   Empty means no collection runs anywhere: acknowledge. A {@link Ticket} names the batch that may
 *   have read the spared list before the record: wait for it ({@link #awaitBatchDone}), make sure
 *   the block is still stored, then acknowledge.</li>
 *   <li>The collector {@link #begin}s before it marks, {@link Collecting#poll polls} the list before
 *   each batch (sparing what was written, walking what was pinned), stops deleting once its record is
 *   not {@link Collecting#confirmed() confirmed}, and marks each batch {@link Collecting#batchDone done}.</li>
 * </ul>
 */
public interface ClusterSweep {
    /** A collection running somewhere, and the number of its delete batches finished when a writer recorded. */
    record Ticket(String holder, long batch) {
    }

    /** What was recorded since the collector's previous poll. */
    record Recorded(List<Cid> written, List<Cid> pinned) {
        public static final Recorded NOTHING = new Recorded(List.of(), List.of());
    }

    /**
     * Adds {@code written} blocks and {@code pinned} recursive roots to the spared list, if a collection
     * runs anywhere; one round trip.
     *
     * @return the running collection's ticket, or empty when none runs
     * @throws SweepGuardUnavailableException when it cannot tell (the shared record cannot be read)
     */
    Optional<Ticket> record(List<Cid> written, List<Cid> pinned);

    /**
     * Waits until the batch {@code ticket} names has finished (the batch count moved past it) or its
     * collection ended, at most {@code max}.
     *
     * @return false when {@code max} passed first
     * @throws SweepGuardUnavailableException when the shared record cannot be read
     */
    boolean awaitBatchDone(Ticket ticket, Duration max);

    /**
     * Sets the shared record for the collection holding {@code lease}; call it before marking.
     *
     * @throws GcException when the record cannot be set (nothing has been deleted)
     */
    Collecting begin(CollectionLease.Held lease);

    /** The collector's side of one collection. */
    interface Collecting extends AutoCloseable {
        /**
         * What was written or pinned anywhere since the previous poll; also refreshes the record.
         *
         * @throws GcException when the record is gone or cannot be read: the collection must stop
         */
        Recorded poll();

        /**
         * Whether the record was confirmed recently enough (within half its expiry) that every writer
         * still sees it: deleting is allowed only while this holds.
         */
        boolean confirmed();

        /** Counts one more finished delete batch, releasing the writers waiting for it. */
        void batchDone();

        /** Removes the record and the spared list. Never throws. */
        @Override
        void close();
    }

    /** Nobody else shares the store: nothing is recorded, and nothing waits. */
    static ClusterSweep none() {
        return NoClusterSweep.INSTANCE;
    }
}
