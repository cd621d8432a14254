package io.cairn.blockstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;

/**
 * Receives a block of a known length from a stream (a download, a socket) into an array of exactly
 * that length, hashing each piece as it lands while it is still in the CPU's cache, so the bytes are
 * checked against their CID without a second pass over them. The array stays inside until
 * {@link #finish()} has compared the digest: only then does it leave, as a block marked verified, so
 * a layer above does not hash it again.
 *
 * <p>Every hash function is hashed as the bytes arrive ({@link HashFunction#newHasher()}); identity,
 * whose digest is the data, is compared by {@link #finish()}. One receiver per transfer; not
 * thread-safe.
 */
public final class VerifyingReceiver {
    /** The most read (and hashed) in one step: small enough to stay in a core's L2 cache. */
    static final int PIECE = 64 * 1024;

    private final Cid cid;
    private final byte[] data;
    private final HashFunction.Hasher digest;
    private int received;
    private boolean finished;

    private VerifyingReceiver(Cid cid, int length) {
        this.cid = Objects.requireNonNull(cid, "cid");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        this.data = new byte[length];
        this.digest = cid.multihash().function().map(HashFunction::newHasher).orElse(null);
    }

    /** A receiver for {@code length} bytes named {@code cid}; allocates the array now. */
    public static VerifyingReceiver expect(Cid cid, int length) {
        return new VerifyingReceiver(cid, length);
    }

    /** The bytes expected. */
    public int length() {
        return data.length;
    }

    /** The bytes received so far. */
    public int received() {
        return received;
    }

    /** Whether every expected byte has arrived. */
    public boolean complete() {
        return received == data.length;
    }

    /**
     * Reads from {@code in} until every expected byte has arrived or the stream ends, hashing as it
     * goes. Reads nothing past the expected length (the caller can then check that the stream ends).
     *
     * @return the bytes received so far, {@link #length()} when complete
     * @throws IOException as the stream throws it; what arrived before stays counted
     */
    public int readFrom(InputStream in) throws IOException {
        while (received < data.length) {
            int n = in.read(data, received, Math.min(PIECE, data.length - received));
            if (n < 0) {
                break;
            }
            if (digest != null) {
                digest.update(data, received, n);
            }
            received += n;
        }
        return received;
    }

    /**
     * The verified block.
     *
     * @throws IllegalStateException if bytes are still missing, or it was already called
     * @throws HashMismatchException naming both digests if the bytes do not match the CID
     * @throws BlockstoreException if the CID's hash function is one Cairn cannot compute
     */
    public Block finish() {
        if (!complete()) {
            throw new IllegalStateException("only " + received + " of " + data.length + " bytes of " + cid + " arrived");
        }
        if (finished) {
            throw new IllegalStateException("the block " + cid + " was already handed out");
        }
        finished = true;
        if (digest == null || !matches(cid.multihash(), digest.digest())) {
            Hashes.verify(cid, data); // identity, or a mismatch: this names both digests
        }
        return Block.trusted(cid, data);
    }

    private static boolean matches(Multihash mh, byte[] actual) {
        int len = mh.digestLength();
        return len > 0 && len <= actual.length && Arrays.equals(mh.digest(), 0, len, actual, 0, len);
    }
}
