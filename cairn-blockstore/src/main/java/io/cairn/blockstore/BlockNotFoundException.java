package io.cairn.blockstore;

import java.io.Serial;
import java.util.Objects;

import io.cairn.cid.Cid;

/** The store holds no block for the requested CID's multihash. */
public final class BlockNotFoundException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;

    public BlockNotFoundException(Cid cid) {
        super("block not found: " + cid);
        this.cid = Objects.requireNonNull(cid, "cid");
    }

    /** The CID that was asked for. */
    public Cid cid() {
        return cid;
    }
}
