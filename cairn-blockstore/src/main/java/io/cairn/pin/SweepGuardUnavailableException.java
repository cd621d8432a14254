package io.cairn.pin;

import java.io.Serial;
import java.time.Duration;

/**
 * A write or pin reached the store but cannot be acknowledged safely: whether a collection on another
 * process is deleting it cannot be told (the shared sweep record does not answer), or the batch it
 * must wait for did not finish in time. Retrying is safe; the server answers 503 with Retry-After.
 */
public final class SweepGuardUnavailableException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public SweepGuardUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
