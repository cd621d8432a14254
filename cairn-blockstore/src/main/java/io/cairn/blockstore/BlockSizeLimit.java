package io.cairn.blockstore;

/**
 * The largest block a store accepts, in bytes.
 *
 * <p>The default, 2 MiB (2,097,152 bytes), is the limit of the IPFS network: Bitswap and Kubo's
 * {@code block put} refuse larger blocks, so a bigger one could be kept here but never exchanged.
 * Raise it only for private use.
 */
public record BlockSizeLimit(int maxBytes) {

    /** 2 MiB = 2,097,152 bytes. */
    public static final BlockSizeLimit DEFAULT = new BlockSizeLimit(2 * 1024 * 1024);

    public BlockSizeLimit {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("block size limit must be >= 0 bytes, got " + maxBytes);
        }
    }

    public static BlockSizeLimit of(int maxBytes) {
        return new BlockSizeLimit(maxBytes);
    }

    /** Whether a block of {@code size} bytes is within the limit. */
    public boolean allows(long size) {
        return size <= maxBytes;
    }

    /** @throws BlockTooLargeException naming the size and the limit, if {@code size} is over it */
    public void check(long size) {
        if (size > maxBytes) {
            throw new BlockTooLargeException(size, maxBytes);
        }
    }
}
