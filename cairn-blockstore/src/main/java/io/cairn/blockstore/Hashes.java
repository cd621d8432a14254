package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;

/** Re-hashing a block's bytes against its CID, shared by {@link Block} and {@link ValidatingBlockstore}. */
final class Hashes {
    private Hashes() {
    }

    /**
     * Whether {@code data} hashes to the CID's digest.
     *
     * @throws BlockstoreException if the CID's hash function is one Cairn cannot compute
     */
    static boolean matches(Cid cid, byte[] data) {
        supported(cid);
        return cid.multihash().matches(data);
    }

    /**
     * Whether the remaining bytes of {@code data} hash to the CID's digest. The buffer's position is
     * left where it was, so the caller can hand the same buffer on; a direct buffer is hashed in place
     * by the function's incremental hasher ({@link HashFunction#newHasher()}).
     *
     * @throws BlockstoreException if the CID's hash function is one Cairn cannot compute
     */
    static boolean matches(Cid cid, ByteBuffer data) {
        supported(cid);
        return cid.multihash().matches(data);
    }

    private static HashFunction supported(Cid cid) {
        Multihash mh = cid.multihash();
        Optional<HashFunction> fn = mh.function();
        if (fn.isEmpty()) {
            throw new BlockstoreException("cannot verify " + cid + ": hash function 0x" + Long.toHexString(mh.code())
                    + " is not supported");
        }
        return fn.get();
    }

    /**
     * @throws HashMismatchException naming both digests if {@code data} does not hash to the CID's digest
     * @throws BlockstoreException if the CID's hash function is one Cairn cannot compute, since such
     *         bytes can be neither trusted nor refused on evidence
     */
    static void verify(Cid cid, byte[] data) {
        HashFunction fn = supported(cid);
        if (!cid.multihash().matches(data)) {
            throw mismatch(cid, fn, fn.digest(data));
        }
    }

    /**
     * As {@link #verify(Cid, byte[])} for the remaining bytes of {@code parts} in order, hashed in
     * place (a native block's chunks are not copied to the heap).
     */
    static void verify(Cid cid, ByteBuffer[] parts) {
        HashFunction fn = supported(cid);
        if (!cid.multihash().matches(parts)) {
            throw mismatch(cid, fn, fn.digest(parts));
        }
    }

    private static HashMismatchException mismatch(Cid cid, HashFunction fn, byte[] actual) {
        Multihash mh = cid.multihash();
        int len = fn == HashFunction.IDENTITY ? actual.length : Math.min(actual.length, mh.digestLength());
        return new HashMismatchException(cid, hex(mh.digest()), hex(Arrays.copyOf(actual, len)));
    }

    /** Whether the block's bytes hash to {@code cid}'s digest, hashed where they are (heap or native). */
    static boolean matches(Cid cid, Block block) {
        if (!block.isNative()) {
            return matches(cid, block.bytes());
        }
        supported(cid);
        return cid.multihash().matches(block.chain().buffers());
    }

    /** Checks a block being written, unless it is known to be verified already. */
    static void verify(Block block) {
        if (block.isVerified()) {
            return;
        }
        if (block.isNative()) {
            verify(block.cid(), block.chain().buffers());
        } else {
            verify(block.cid(), block.bytes());
        }
    }

    /** Identity "digests" are the data itself, so long ones are abbreviated to keep messages readable. */
    private static String hex(byte[] digest) {
        if (digest.length <= 64) {
            return HexFormat.of().formatHex(digest);
        }
        return HexFormat.of().formatHex(digest, 0, 64) + "...(" + digest.length + " bytes)";
    }
}
