package io.cairn.cache;

/** The {@link CacheWriter} failed to write or delete, or queued writes could not be flushed. */
public class CacheWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CacheWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
