package io.cairn.blockstore;

import java.util.Collection;
import java.util.stream.Stream;

import io.cairn.cid.Cid;

/**
 * Immutable blocks keyed by content.
 *
 * <p><b>Keys are multihashes.</b> A CID's codec is not part of the key, so the same bytes stored as
 * {@code raw} and as {@code dag-pb} occupy one entry, and {@link #get(Cid)} answers for either CID.
 * The block returned always carries the CID that was asked for, never the one it was stored under.
 *
 * <p>Implementations are thread-safe. Operations after {@link #close()} throw
 * {@link StoreClosedException}. Failures of the medium surface as {@link StorageException}; a failed
 * {@link #put(Block)} leaves no partial block visible.
 *
 * <p>Optional capabilities are separate interfaces a store may also implement: {@link Viewer}
 * (zero-copy reads) and {@link GcLocker} (coordination with a garbage collector). Wrappers keep the
 * capabilities of what they wrap.
 */
public interface Blockstore extends AutoCloseable {

    /** Whether a block with this CID's multihash is stored. Never throws for a missing block. */
    boolean has(Cid cid);

    /**
     * The block for this CID's multihash, carrying {@code cid} itself.
     *
     * @throws BlockNotFoundException if it is not stored
     */
    Block get(Cid cid);

    /**
     * Size in bytes of the stored block, without reading it where the store can avoid that.
     *
     * @throws BlockNotFoundException if it is not stored
     */
    int getSize(Cid cid);

    /**
     * Stores a block. Idempotent: storing a block already present is a cheap no-op. The store trusts
     * that the bytes match the CID unless it validates (see {@link ValidatingBlockstore}).
     *
     * @throws BlockTooLargeException if the block is over the store's {@link BlockSizeLimit}
     */
    void put(Block block);

    /**
     * Stores several blocks. Not atomic as a whole: on failure some may have been stored, but each
     * block is either entirely present or absent. Size limits are checked for all blocks before any
     * is written.
     */
    void putMany(Collection<Block> blocks);

    /** Removes the block for this CID's multihash; {@code true} if one was there. */
    boolean delete(Cid cid);

    /**
     * Every stored key as a CIDv1 with the {@code raw} codec (the store does not remember codecs).
     * The stream is produced lazily from the underlying storage, never materialised in memory; it is
     * weakly consistent with concurrent writes and must be closed by the caller (try-with-resources),
     * since it may hold open directory handles.
     */
    Stream<Cid> allKeys();

    /** Releases the store's resources. Idempotent. */
    @Override
    void close();
}
