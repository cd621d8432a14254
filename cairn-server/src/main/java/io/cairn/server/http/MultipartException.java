package io.cairn.server.http;

import java.io.IOException;

/** A multipart/form-data body is malformed (missing boundary, truncated part, oversized headers). */
public final class MultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    public MultipartException(String message) {
        super(message);
    }
}
