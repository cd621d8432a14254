package io.cairn.bench.trace;

import java.io.IOException;

/** A trace file does not match the format it was read as; the message names file and position. */
public class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
