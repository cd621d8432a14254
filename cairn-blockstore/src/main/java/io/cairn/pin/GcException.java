package io.cairn.pin;

import java.io.Serial;

/**
 * A collection stopped before deleting anything, because it could not tell what the pins keep (a
 * block under a recursive pin is missing or does not decode). Deleting with an incomplete mark could
 * remove blocks that only the missing one links to.
 */
public final class GcException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public GcException(String message, Throwable cause) {
        super(message, cause);
    }
}
