package io.cairn.blockstore;

import io.cairn.cid.Cid;

/**
 * Optional capability of a base store: setting aside a stored block whose bytes no longer hash to
 * its key, so that it answers as missing and a put of the right bytes repairs it. The flatfs store
 * moves the file to {@code <root>/quarantine/} (outside {@code blocks/}, so Kubo never sees it); the
 * memory store drops the entry.
 *
 * <p>The check is made again, atomically with respect to puts of the same key, before anything is
 * moved: a block that a concurrent put has just repaired is left alone. Every block set aside is
 * logged and counted.
 */
public interface Quarantine {

    /**
     * Sets the stored block for this CID's multihash aside if it is corrupt: not a regular file, or
     * bytes that do not hash to the key.
     *
     * @return whether something was set aside; {@code false} when the block is absent, intact, or
     *         uses a hash function that cannot be computed (then it cannot be judged)
     */
    boolean quarantineIfCorrupt(Cid cid);

    /** Blocks set aside since the store was opened. */
    long quarantinedBlocks();
}
