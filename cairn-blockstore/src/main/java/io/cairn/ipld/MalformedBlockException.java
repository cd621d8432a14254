package io.cairn.ipld;

import java.io.Serial;

/** A block's bytes do not decode under the codec its CID names; the message says where and why. */
public final class MalformedBlockException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public MalformedBlockException(String message) {
        super(message);
    }

    public MalformedBlockException(String message, Throwable cause) {
        super(message, cause);
    }
}
