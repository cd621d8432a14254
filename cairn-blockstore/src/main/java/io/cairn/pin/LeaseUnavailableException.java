package io.cairn.pin;

import java.io.Serial;

/**
 * Whether another process holds the {@link CollectionLease} cannot be told, because the lease's
 * store (Redis) does not answer; no collection is started without knowing.
 */
public final class LeaseUnavailableException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public LeaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
