package io.cairn.blockstore;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;

/**
 * The storage medium failed: disk full, permission denied, a directory that vanished, a malformed
 * store layout. The message names the path involved and the operation; the cause carries the
 * operating system's own error.
 */
public final class StorageException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public StorageException(String message, Path path, Throwable cause) {
        super(message + ": " + path + describe(cause), cause);
        this.path = path;
    }

    public StorageException(String message, Path path) {
        this(message, path, null);
    }

    /** The file or directory the failed operation touched. */
    public Path path() {
        return path;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "";
        }
        String m = cause.getMessage();
        String kind = cause instanceof IOException ? cause.getClass().getSimpleName() : cause.getClass().getName();
        return " (" + kind + (m == null ? "" : ": " + m) + ")";
    }
}
