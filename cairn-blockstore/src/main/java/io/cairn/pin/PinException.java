package io.cairn.pin;

import java.io.Serial;

/** A pin request that Kubo's rules refuse (not pinned, already pinned recursively, …); the message says which. */
public final class PinException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public PinException(String message) {
        super(message);
    }
}
