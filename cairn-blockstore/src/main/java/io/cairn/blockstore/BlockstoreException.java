package io.cairn.blockstore;

import java.io.Serial;

/**
 * Root of the errors a {@link Blockstore} raises. Unchecked, because every caller of a store would
 * otherwise have to re-wrap I/O failures it cannot handle locally; the subclasses say what went wrong
 * precisely enough that the HTTP layer maps each to one status code.
 */
public class BlockstoreException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public BlockstoreException(String message) {
        super(message);
    }

    public BlockstoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
