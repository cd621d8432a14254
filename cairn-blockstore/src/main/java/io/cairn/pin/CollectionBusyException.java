package io.cairn.pin;

import java.io.Serial;

/**
 * A collection was not started because another process sharing the store holds the
 * {@link CollectionLease}: one collection runs at a time across the nodes. Nothing was deleted.
 */
public final class CollectionBusyException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public CollectionBusyException(String message) {
        super(message);
    }
}
