package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;

/** Re-hashing a block's bytes against its CID, shared by {@link Block} and {@link ValidatingBlockstore}. */
final class Hashes {
    /** JDK algorithms by function, for hashing a buffer (a memory-mapped view) without copying it. */
    private static final Map<HashFunction, MessageDigest> JDK = new EnumMap<>(HashFunction.class);

    static {
        jdk(HashFunction.SHA1, "SHA-1");
        jdk(HashFunction.SHA2_256, "SHA-256");
        jdk(HashFunction.SHA2_512, "SHA-512");
        jdk(HashFunction.SHA3_224, "SHA3-224");
        jdk(HashFunction.SHA3_256, "SHA3-256");
        jdk(HashFunction.SHA3_384, "SHA3-384");
        jdk(HashFunction.SHA3_512, "SHA3-512");
    }

    private Hashes() {
    }

    private static void jdk(HashFunction fn, String algorithm) {
        try {
            JDK.put(fn, MessageDigest.getInstance(algorithm));
        } catch (NoSuchAlgorithmException e) {
            // left out: such buffers are copied to the heap and hashed through HashFunction
        }
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
     * left where it was (a duplicate is consumed), so the caller can hand the same buffer on.
     *
     * @throws BlockstoreException if the CID's hash function is one Cairn cannot compute
     */
    static boolean matches(Cid cid, ByteBuffer data) {
        HashFunction fn = supported(cid);
        Multihash mh = cid.multihash();
        if (data.hasArray()) {
            byte[] a = data.array();
            int off = data.arrayOffset() + data.position();
            if (off == 0 && data.remaining() == a.length) {
                return mh.matches(a);
            }
        }
        MessageDigest prototype = JDK.get(fn);
        if (prototype == null) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            return mh.matches(copy);
        }
        MessageDigest md;
        try {
            md = (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            return mh.matches(copy);
        }
        md.update(data.duplicate());
        byte[] actual = md.digest();
        int len = mh.digestLength();
        return len > 0 && len <= actual.length && Arrays.equals(mh.digest(), 0, len, actual, 0, len);
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
        Multihash mh = cid.multihash();
        Optional<HashFunction> fn = mh.function();
        if (fn.isEmpty()) {
            throw new BlockstoreException("cannot verify " + cid + ": hash function 0x" + Long.toHexString(mh.code())
                    + " is not supported");
        }
        if (!mh.matches(data)) {
            byte[] actual = fn.get().digest(data);
            int len = fn.get() == HashFunction.IDENTITY ? actual.length : Math.min(actual.length, mh.digestLength());
            throw new HashMismatchException(cid, hex(mh.digest()), hex(Arrays.copyOf(actual, len)));
        }
    }

    /**
     * As {@link #verify(Cid, byte[])} for the remaining bytes of {@code parts} in order, hashed in
     * place (a native block's chunks are not copied to the heap).
     */
    static void verify(Cid cid, ByteBuffer[] parts) {
        Multihash mh = cid.multihash();
        HashFunction fn = supported(cid);
        if (!mh.matches(parts)) {
            byte[] actual = fn.digest(parts);
            int len = fn == HashFunction.IDENTITY ? actual.length : Math.min(actual.length, mh.digestLength());
            throw new HashMismatchException(cid, hex(mh.digest()), hex(Arrays.copyOf(actual, len)));
        }
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
