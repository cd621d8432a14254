package io.cairn.pin;

import java.io.Serial;

/**
 * A collection stopped. Usually before deleting anything, because it could not tell what the pins
 * keep (a block under a recursive pin is missing or does not decode): deleting with an incomplete
 * mark could remove blocks that only the missing one links to. Or during the sweep, because its
 * {@link CollectionLease} expired; the message says how much was deleted.
 */
public final class GcException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public GcException(String message, Throwable cause) {
        super(message, cause);
    }
}
