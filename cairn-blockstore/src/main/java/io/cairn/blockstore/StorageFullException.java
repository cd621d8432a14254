package io.cairn.blockstore;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * A write was refused, or failed, for lack of storage: the configured limit ({@code storage-max})
 * would be passed, or the file system reported that it is full ({@code ENOSPC}). Nothing of the
 * refused block is left behind. Retryable: writes resume by themselves once space comes back. The
 * message names the cause and the sizes involved, never a file system path.
 */
public final class StorageFullException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why the write could not be stored. */
    public enum Cause {
        /** Storing the block would take the store past its configured limit. */
        LIMIT,
        /** The operating system reported that the file system is full. */
        NO_SPACE
    }

    private final Cause reason;
    private final transient Duration retryAfter;

    public StorageFullException(Cause reason, String message, Duration retryAfter) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Cause reason() {
        return reason;
    }

    /** How long a client should wait before trying again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
