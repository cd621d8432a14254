package io.cairn.server.http;

import java.io.IOException;
import java.io.Serial;

/**
 * A request body that did not arrive in time: past {@code read-timeout}, or slower than
 * {@code min-upload-rate} once the grace period is over. Answered 408.
 */
public final class BodyTimeoutException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    public BodyTimeoutException(String message) {
        super(message);
    }
}
