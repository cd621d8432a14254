package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;

/**
 * A CID and the bytes it names. Immutable by contract: the byte array is shared, never copied, so
 * that a block moves from disk through caches to a socket without duplicating its payload; whoever
 * creates a block from an array must not modify that array afterwards, and {@link #bytes()} callers
 * must not modify what they get.
 */
public final class Block {
    private final Cid cid;
    private final byte[] data;
    /** Set when the bytes are known to hash to the CID, so a validating layer can skip re-hashing. */
    private final boolean verified;

    private Block(Cid cid, byte[] data, boolean verified) {
        this.cid = Objects.requireNonNull(cid, "cid");
        this.data = Objects.requireNonNull(data, "data");
        this.verified = verified;
    }

    /** A block whose bytes the caller vouches for: nothing is hashed. */
    public static Block of(Cid cid, byte[] data) {
        return new Block(cid, data, false);
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
        return new Block(cid, data, true);
    }

    /** A block of {@code data} named by a CIDv1 with the raw codec and sha2-256 (Kubo's default). */
    public static Block raw(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new Block(Cid.of(Multicodec.RAW, HashFunction.SHA2_256, data), data, true);
    }

    public Cid cid() {
        return cid;
    }

    public int size() {
        return data.length;
    }

    /** A read-only view of the bytes; no copy is made. */
    public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** The backing array itself, not a copy: callers must not modify it. */
    public byte[] bytes() {
        return data;
    }

    /**
     * The bytes as a read-only view with an explicit lifetime: use it in try-with-resources and do
     * not touch it after close. For a block on the heap, as this one is, closing only ends the view;
     * {@link CachingBlockstore#open} lends cached blocks the same way from native memory.
     */
    public BlockBytes open() {
        return new BlockBytes(ByteBuffer.wrap(data), null);
    }

    /** A copy of the bytes, the caller's to keep and modify. */
    public byte[] copyBytes() {
        return data.clone();
    }

    /** A block whose bytes have been checked against the CID (or are the CID, for identity). */
    static Block trusted(Cid cid, byte[] data) {
        return new Block(cid, data, true);
    }

    /** The same bytes under another CID with the same multihash (the store's key), for lookups by any codec. */
    Block withCid(Cid other) {
        return other.equals(cid) ? this : new Block(other, data, verified);
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
        return o instanceof Block b && cid.equals(b.cid) && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "Block[" + cid + ", " + data.length + " bytes]";
    }
}
