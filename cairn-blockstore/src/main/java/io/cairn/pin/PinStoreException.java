package io.cairn.pin;

import java.io.Serial;

/** The pin file could not be read or written; pins are never guessed, so nothing is collected. */
public final class PinStoreException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public PinStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public PinStoreException(String message) {
        super(message);
    }
}
