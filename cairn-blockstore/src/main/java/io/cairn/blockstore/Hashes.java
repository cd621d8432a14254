package io.cairn.blockstore;

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

    /** Identity "digests" are the data itself, so long ones are abbreviated to keep messages readable. */
    private static String hex(byte[] digest) {
        if (digest.length <= 64) {
            return HexFormat.of().formatHex(digest);
        }
        return HexFormat.of().formatHex(digest, 0, 64) + "...(" + digest.length + " bytes)";
    }
}
