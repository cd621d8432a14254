package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.memory.offheap.SegmentChain;

/**
 * A CID and the bytes it names. Immutable by contract. The bytes live in one of two places:
 * <ul>
 *   <li><b>On the heap</b> ({@link #of}, {@link #verified}, {@link #raw}): a byte array that is
 *       shared, never copied, so whoever creates a block from an array must not modify it afterwards,
 *       and {@link #bytes()} callers must not modify what they get. {@link #close()} does nothing.</li>
 *   <li><b>In native memory</b> ({@link #over}, {@link #verifiedOver}): a {@link SegmentChain}, for
 *       example the fixed-size chunks an upload was read into. Such a block has an explicit lifetime:
 *       it is valid until it is closed (closing it releases the chain), and a store that keeps a
 *       block past {@code put} must keep {@link #onHeap()}, not the block itself.</li>
 * </ul>
 * Either way, {@link #open()} lends the bytes without copying (try-with-resources), and
 * {@link #bytes()} / {@link #copyBytes()} are the convenient copying accessors: for a native block
 * {@code bytes()} makes a heap copy on every call.
 */
public final class Block implements AutoCloseable {
    private final Cid cid;
    /** The bytes on the heap, or null for a native block. */
    private final byte[] data;
    /** The bytes in native memory, or null for a heap block. */
    private final SegmentChain chain;
    /** Set when the bytes are known to hash to the CID, so a validating layer can skip re-hashing. */
    private final boolean verified;

    private Block(Cid cid, byte[] data, SegmentChain chain, boolean verified) {
        this.cid = Objects.requireNonNull(cid, "cid");
        this.data = data;
        this.chain = chain;
        this.verified = verified;
    }

    /** A block whose bytes the caller vouches for: nothing is hashed. */
    public static Block of(Cid cid, byte[] data) {
        return new Block(cid, Objects.requireNonNull(data, "data"), null, false);
    }

    /**
     * A block whose bytes are checked against the CID's digest.
     *
     * @throws HashMismatchException naming both digests if they differ
     * @throws BlockstoreException if the CID uses a hash function Cairn cannot compute
     */
    public static Block verified(Cid cid, byte[] data) {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(data, "data");
        Hashes.verify(cid, data);
        return new Block(cid, data, null, true);
    }

    /** A block of {@code data} named by a CIDv1 with the raw codec and sha2-256 (Kubo's default). */
    public static Block raw(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new Block(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, data), data, null, true);
    }

    /**
     * A block over bytes in native memory, which the caller vouches for: nothing is hashed. The block
     * takes the chain's lifetime: closing the block closes the chain.
     */
    public static Block over(Cid cid, SegmentChain bytes) {
        return new Block(cid, null, Objects.requireNonNull(bytes, "bytes"), false);
    }

    /**
     * A block over bytes in native memory, checked against the CID's digest in place (nothing is
     * copied to the heap). On a mismatch the chain is left open: it is still the caller's.
     *
     * @throws HashMismatchException if the bytes do not hash to the CID's digest
     * @throws BlockstoreException if the CID uses a hash function Cairn cannot compute
     */
    public static Block verifiedOver(Cid cid, SegmentChain bytes) {
        Objects.requireNonNull(cid, "cid");
        Hashes.verify(cid, Objects.requireNonNull(bytes, "bytes").buffers());
        return new Block(cid, null, bytes, true);
    }

    public Cid cid() {
        return cid;
    }

    public int size() {
        return data != null ? data.length : chain.size();
    }

    /** Whether the bytes live in native memory (the block then has a lifetime; see {@link #close()}). */
    public boolean isNative() {
        return chain != null;
    }

    /**
     * A read-only view of the bytes. No copy is made for a heap block or a native block in one
     * segment; a native block in several segments is copied into one heap buffer (use {@link #open()}
     * and {@link BlockBytes#buffers()} to read it in place).
     */
    public ByteBuffer data() {
        if (data != null) {
            return ByteBuffer.wrap(data).asReadOnlyBuffer();
        }
        if (chain.segmentCount() == 1) {
            return chain.buffers()[0];
        }
        return ByteBuffer.wrap(chain.toArray()).asReadOnlyBuffer();
    }

    /**
     * The bytes as an array. For a heap block the backing array itself, not a copy: callers must not
     * modify it. For a native block a fresh heap copy on every call (prefer {@link #open()}).
     */
    public byte[] bytes() {
        return data != null ? data : chain.toArray();
    }

    /**
     * The bytes as a read-only view with an explicit lifetime: use it in try-with-resources and do
     * not touch it after close. Nothing is copied, whether the bytes are on the heap or in native
     * memory; closing the view does not close the block. {@link CachingBlockstore#open} lends cached
     * blocks the same way from native memory.
     */
    public BlockBytes open() {
        if (data != null) {
            return new BlockBytes(ByteBuffer.wrap(data), null);
        }
        return new BlockBytes(chain.buffers(), null);
    }

    /** A copy of the bytes, the caller's to keep and modify. */
    public byte[] copyBytes() {
        return data != null ? data.clone() : chain.toArray();
    }

    /**
     * This block with its bytes on the heap: itself for a heap block, a copy (same CID, same
     * verification) for a native one. What a store that keeps blocks by reference must keep.
     */
    public Block onHeap() {
        return data != null ? this : new Block(cid, chain.toArray(), null, verified);
    }

    /**
     * Ends a native block's lifetime: releases its chain (idempotent). Does nothing for a heap block.
     * Every block over the same chain ({@link #withCid}) ends with it.
     */
    @Override
    public void close() {
        if (chain != null) {
            chain.close();
        }
    }

    /** A block whose bytes have been checked against the CID (or are the CID, for identity). */
    static Block trusted(Cid cid, byte[] data) {
        return new Block(cid, data, null, true);
    }

    /** The bytes in native memory, or null for a heap block. */
    SegmentChain chain() {
        return chain;
    }

    /** The same bytes under another CID with the same multihash (the store's key), for lookups by any codec. */
    Block withCid(Cid other) {
        return other.equals(cid) ? this : new Block(other, data, chain, verified);
    }

    /**
     * Whether the bytes are known to hash to the CID (the block was made by {@link #raw}, {@link #verified}
     * or a store that checked it), so that a layer about to hash them again, e.g. before an upload, can skip it.
     */
    public boolean isVerified() {
        return verified;
    }

    /** Blocks are equal when their CIDs are equal and their bytes are equal. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Block b) || !cid.equals(b.cid) || size() != b.size()) {
            return false;
        }
        if (data != null && b.data != null) {
            return Arrays.equals(data, b.data);
        }
        if (data != null) {
            return b.chain.contentEquals(data);
        }
        return chain.contentEquals(b.bytes());
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "Block[" + cid + ", " + size() + " bytes" + (chain != null ? ", native" : "") + "]";
    }
}
