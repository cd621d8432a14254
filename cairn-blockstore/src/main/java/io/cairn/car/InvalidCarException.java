package io.cairn.car;

import java.io.Serial;

/** A CAR stream that is malformed or truncated; the message names the byte offset and the problem. */
public final class InvalidCarException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public InvalidCarException(String message) {
        super(message);
    }

    public InvalidCarException(String message, Throwable cause) {
        super(message, cause);
    }
}
