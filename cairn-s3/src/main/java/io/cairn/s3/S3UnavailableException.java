package io.cairn.s3;

import io.cairn.blockstore.BlockstoreException;

import java.io.Serial;
import java.time.Duration;

/**
 * The object store cannot be reached or keeps failing (timeouts, 5xx, {@code SlowDown} past the
 * retries, or the circuit breaker is open), so the operation was not done. Retryable: nothing was
 * acknowledged, and {@link #retryAfter()} says when trying again makes sense. The HTTP layer answers
 * 503 with {@code Retry-After}.
 */
public final class S3UnavailableException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public S3UnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter.isNegative() || retryAfter.isZero() ? Duration.ofSeconds(1) : retryAfter;
    }

    /** When a retry makes sense; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
