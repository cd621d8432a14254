package io.cairn.server.ops;

import io.cairn.cid.Cid;
import io.cairn.cid.CidPolicy;
import io.cairn.cid.HashFunction;
import io.cairn.cid.InvalidCidException;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.memory.offheap.SegmentChain;

/**
 * How new block bytes become a CID: version, codec, hash function and digest length. The CID is
 * always computed from the bytes here, so a block whose CID disagrees with its content cannot be
 * written through this path.
 *
 * @param cidVersion 0 or 1
 * @param codec      multicodec code (dag-pb for version 0)
 * @param hash       the hash function
 * @param mhLength   digest length in bytes, -1 for the function's full length
 */
public record BlockEncoding(int cidVersion, long codec, HashFunction hash, int mhLength) {

    public static final BlockEncoding DEFAULT = new BlockEncoding(1, Multicodec.RAW, HashFunction.SHA2_256, -1);

    public BlockEncoding {
        if (cidVersion != 0 && cidVersion != 1) {
            throw new InvalidCidException("cid-version must be 0 or 1, got " + cidVersion);
        }
        if (mhLength < -1 || mhLength == 0) {
            throw new InvalidCidException("mhlen must be -1 (full digest) or a positive length, got " + mhLength);
        }
        if (cidVersion == 0 && (codec != Multicodec.DAG_PB || hash != HashFunction.SHA2_256
                || (mhLength != -1 && mhLength != 32))) {
            throw new InvalidCidException("CIDv0 only supports dag-pb with a full-length sha2-256 multihash");
        }
    }

    /**
     * Kubo's {@code block/put} options. {@code format} is the deprecated spelling: {@code v0} means
     * CIDv0 dag-pb, {@code protobuf} dag-pb (CIDv0 when the hash is full sha2-256, as Kubo does),
     * {@code cbor} dag-cbor; combining it with a non-raw {@code cid-codec} is refused, as Kubo does.
     *
     * @param format   deprecated format, null or empty when absent
     * @param cidCodec codec name, null or empty for raw
     * @param mhtype   hash function name, null or empty for sha2-256
     * @param mhlen    digest length, -1 for full
     */
    public static BlockEncoding kubo(String format, String cidCodec, String mhtype, int mhlen) {
        HashFunction fn = blank(mhtype) ? HashFunction.SHA2_256 : HashFunction.byName(mhtype);
        boolean fullSha256 = fn == HashFunction.SHA2_256 && (mhlen == -1 || mhlen == 32);
        if (!blank(format)) {
            if (!blank(cidCodec) && !cidCodec.trim().equalsIgnoreCase("raw")) {
                throw new InvalidCidException("unable to use \"format\" (deprecated) and a custom \"cid-codec\" at the same time");
            }
            return switch (format.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "v0" -> new BlockEncoding(0, Multicodec.DAG_PB, fn, mhlen);
                case "protobuf", "dag-pb" -> new BlockEncoding(fullSha256 ? 0 : 1, Multicodec.DAG_PB, fn, mhlen);
                case "cbor", "dag-cbor" -> new BlockEncoding(1, Multicodec.DAG_CBOR, fn, mhlen);
                default -> new BlockEncoding(1, Multicodec.code(format), fn, mhlen);
            };
        }
        long codec = blank(cidCodec) ? Multicodec.RAW : Multicodec.code(cidCodec);
        return new BlockEncoding(1, codec, fn, mhlen);
    }

    /** The CID of {@code data} under this encoding. */
    public Cid cidFor(byte[] data) {
        return cidOf(Multihash.digest(hash, data, mhLength));
    }

    /** The CID of the bytes in {@code data} under this encoding, hashed over its segments in place. */
    public Cid cidFor(SegmentChain data) {
        return cidOf(Multihash.digest(hash, data.buffers(), mhLength));
    }

    private Cid cidOf(Multihash mh) {
        // Kubo's CID policy: a digest of at least 20 bytes, identity data of at most 128.
        return CidPolicy.check(cidVersion == 0 ? Cid.v0(mh) : Cid.v1(codec, mh));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
