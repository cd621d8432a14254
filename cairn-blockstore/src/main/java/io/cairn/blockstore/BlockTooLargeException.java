package io.cairn.blockstore;

import java.io.Serial;

/**
 * A block is larger than the store accepts. The default limit is 2 MiB because that is the largest
 * block the IPFS network exchanges (Bitswap and Kubo refuse anything bigger), so a larger block
 * could be stored here but never served to a peer.
 */
public final class BlockTooLargeException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public BlockTooLargeException(long size, long limit) {
        super("block of " + size + " bytes is over the block size limit of " + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    /** Size of the refused block in bytes. */
    public long size() {
        return size;
    }

    /** The limit in force, in bytes. */
    public long limit() {
        return limit;
    }
}
