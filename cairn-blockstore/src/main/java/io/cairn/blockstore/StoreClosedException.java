package io.cairn.blockstore;

import java.io.Serial;

/** An operation was attempted on a store after {@link Blockstore#close()}. */
public final class StoreClosedException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String store) {
        super(store + " is closed");
    }
}
