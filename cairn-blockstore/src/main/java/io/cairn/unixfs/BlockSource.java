package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.cid.Cid;

/**
 * Where the UnixFS reader gets blocks: usually {@link Blockstore#get}. Implementations throw
 * {@link io.cairn.blockstore.BlockNotFoundException} for a block they do not have.
 */
@FunctionalInterface
public interface BlockSource {
    Block get(Cid cid);

    static BlockSource of(Blockstore store) {
        return store::get;
    }

    /** The block for {@code cid}; an identity CID's block is its digest, fetched from nowhere. */
    default Block fetch(Cid cid) {
        if (cid.isIdentity()) {
            return Block.of(cid, cid.multihash().digest());
        }
        return get(cid);
    }
}
