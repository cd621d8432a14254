package io.cairn.server.http;

import java.time.Duration;

/**
 * An error with the HTTP status it is answered with, the Kubo error code (0 normal, 1 client,
 * 2 implementation, 3 rate-limited, 4 forbidden) and, for retryable refusals, how long to wait.
 */
public final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final int kuboCode;
    private final transient Duration retryAfter;

    public HttpProblem(int status, int kuboCode, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.kuboCode = kuboCode;
        this.retryAfter = retryAfter;
    }

    public HttpProblem(int status, int kuboCode, String message) {
        this(status, kuboCode, message, null);
    }

    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, 1, message);
    }

    public int status() { return status; }
    public int kuboCode() { return kuboCode; }
    public Duration retryAfter() { return retryAfter; }

    /** Retry-After in whole seconds, at least 1, as HTTP wants. */
    public long retryAfterSeconds() {
        return retryAfter == null ? 1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
