package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.cairn.cid.Cid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every block read from the store below against its multihash before anything above sees
 * it (so before it is served or cached). A block whose bytes do not match is never returned: it is
 * set aside through the base store's {@link Quarantine} (logged and counted there), and the read
 * answers {@link BlockNotFoundException}, so a later put of the right bytes stores it again. This is
 * what makes a flipped bit, a truncated or extended file, or a directory in place of a block file
 * look like a missing block rather than content.
 *
 * <p>{@link #view} hashes the buffer the store lends (a memory-mapped file for large flatfs blocks)
 * before the reader gets it, so large blocks are still served without a heap copy.
 *
 * <p><b>What is not checked.</b> {@link #has} and {@link #getSize} answer from the file system's
 * metadata, without reading: a present regular file counts as present and its length as the size
 * (a directory or other non-file in a block's place is set aside by the flatfs store itself and
 * answers as missing). A file with the right length but wrong bytes is caught on the first read.
 * Hashing on {@code has}/{@code getSize} would turn a stat into a full read of the block.
 *
 * <p>A CID whose hash function Cairn cannot compute cannot be verified; reading it raises a
 * {@link BlockstoreException} rather than serving unverified bytes.
 */
public final class IntegrityBlockstore extends ForwardingBlockstore {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrityBlockstore.class);

    /** Thrown through the store's view to leave it (and unmap its buffer) before quarantining. */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch() {
            super(null, null, false, false);
        }
    }

    private final Quarantine quarantine;
    private final LongAdder removedWithoutQuarantine = new LongAdder();

    /**
     * @param delegate   the store to read from (usually the base store itself)
     * @param quarantine where corrupt blocks go; when {@code null}, a block found corrupt on two
     *                   reads in a row is deleted from {@code delegate} instead (and counted here)
     */
    public IntegrityBlockstore(Blockstore delegate, Quarantine quarantine) {
        super(delegate);
        this.quarantine = quarantine;
    }

    /** Over a base store, using its {@link Quarantine} when it has one. */
    public static IntegrityBlockstore over(Blockstore base) {
        Objects.requireNonNull(base, "base");
        return new IntegrityBlockstore(base, base instanceof Quarantine q ? q : null);
    }

    /** Corrupt blocks found and set aside since the store was opened ({@code blockstore_corrupt_blocks_total}). */
    public long corruptBlocks() {
        return (quarantine == null ? 0 : quarantine.quarantinedBlocks()) + removedWithoutQuarantine.sum();
    }

    @Override
    public Block get(Cid cid) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Block b = super.get(cid);
            if (b.isVerified()) {
                return b;
            }
            if (Hashes.matches(cid, b)) {
                return b.isNative() ? b : Block.trusted(cid, b.bytes());
            }
            if (setAside(cid)) {
                break;
            }
            // A concurrent put repaired the block between our read and the check: read it again.
        }
        throw new BlockNotFoundException(cid);
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        Objects.requireNonNull(reader, "reader");
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                // The check applies to whatever buffer the store lends, its own or the reader's target.
                return super.view(cid, ViewTarget.carry(reader, buffer -> {
                    if (!Hashes.matches(cid, buffer)) {
                        throw new Mismatch();
                    }
                    return reader.apply(buffer);
                }));
            } catch (Mismatch m) {
                if (setAside(cid)) {
                    break;
                }
            }
        }
        throw new BlockNotFoundException(cid);
    }

    /** Whether the corrupt block is gone now (set aside by us or by someone else). */
    private boolean setAside(Cid cid) {
        if (quarantine != null) {
            if (quarantine.quarantineIfCorrupt(cid)) {
                return true;
            }
            return !delegate().has(cid);
        }
        // No quarantine: read once more (a transfer that went wrong is not a corrupt block), and
        // delete only what is corrupt twice, so that a put of the right bytes can store it again.
        Block again;
        try {
            again = delegate().get(cid);
        } catch (BlockNotFoundException gone) {
            return true;
        }
        if (again.isVerified() || Hashes.matches(cid, again)) {
            return false;
        }
        if (delegate().delete(cid)) {
            removedWithoutQuarantine.increment();
            LOG.warn("corrupt block {} deleted: its bytes do not hash to its CID (the store has no quarantine)", cid);
        }
        return true;
    }
}
