package io.cairn.redis;

import io.cairn.cid.Cid;

import java.util.function.Consumer;

/**
 * Tells the other nodes sharing a store that a block was deleted, so they drop what their
 * in-process caches remember of it. Best effort: a lost message is covered by the stores' short
 * negative TTL, never by serving stale bytes for long. A node also hears its own messages.
 */
public interface InvalidationBus extends AutoCloseable {
    /** Announces that {@code cid} was deleted. Never throws; failures are counted. */
    void publish(Cid cid);

    /** Calls {@code listener} for every CID announced by any node, on a Redis I/O thread. */
    void subscribe(Consumer<Cid> listener);

    /**
     * Calls {@code listener} each time the subscription is established again after it was lost (a
     * reconnect, or the channel's slot moving to a promoted replica): messages published in between
     * were not heard, so what they would have invalidated must be dropped wholesale.
     */
    default void onResubscribed(Runnable listener) {
    }

    /** Times the subscription was established again after it was lost. */
    default long resubscriptions() {
        return 0;
    }

    /** Messages that could not be published. */
    long publishFailures();

    @Override
    void close();
}
