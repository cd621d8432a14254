package io.cairn.cid;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A content identifier: CIDv0 (a bare sha2-256 multihash, implicitly dag-pb, printed in base58btc
 * as {@code Qm...}) or CIDv1 ({@code varint(1) varint(codec) multihash}, printed in base32 by
 * default). Immutable; equality, hash code and order are those of the binary form, so a v0 CID and
 * its v1 conversion are different keys (use {@link #multihash()} to key by content).
 *
 * <p>CIDs are map keys on hot paths: the hash code is computed once and the default string is
 * cached on first use.
 */
public final class Cid implements Comparable<Cid> {
    private static final byte SHA2_256_CODE = 0x12;
    private static final byte SHA2_256_LENGTH = 0x20;
    private static final int V0_BYTES = 34;
    private static final int V0_CHARS = 46;
    /**
     * Longest CID text parsed. Hash-based CIDs are under 150 characters; identity CIDs carry data
     * inline and are capped by {@link Multihash#MAX_DIGEST_LENGTH} anyway, so this only stops a
     * huge string from being decoded before that check can run.
     */
    static final int MAX_TEXT_LENGTH = 2 * Multihash.MAX_DIGEST_LENGTH + 64;

    private final int version;
    private final long codec;
    private final Multihash multihash;
    private final byte[] bytes;
    private final int hash;
    /** Benign race: the string is immutable and recomputing it is harmless. */
    private String text;

    private Cid(int version, long codec, Multihash multihash, byte[] bytes) {
        this.version = version;
        this.codec = codec;
        this.multihash = multihash;
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * Parses a CID a client gave: {@link #parseAny} followed by {@link CidPolicy#check} (a hash
     * function Cairn can compute, digest at least 20 bytes, identity digests at most 128), as Kubo
     * refuses such CIDs too.
     *
     * @throws InvalidCidException naming the text and what is wrong with it
     */
    public static Cid parse(String text) {
        return CidPolicy.check(parseAny(text));
    }

    /**
     * Parses a CID from text without {@link CidPolicy}: a 46-character base58btc {@code Qm...} string
     * is a CIDv0, anything else is multibase-encoded binary CID. For CIDs inside data (links), which
     * may name hash functions this server cannot compute.
     */
    public static Cid parseAny(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidCidException("empty CID text");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new InvalidCidException("CID text " + InvalidCidException.quote(text) + " is longer than the "
                    + MAX_TEXT_LENGTH + "-character limit");
        }
        byte[] raw;
        if (text.length() == V0_CHARS && text.startsWith("Qm")) {
            try {
                raw = Multibase.BASE58BTC.decodeRaw(text);
            } catch (InvalidCidException e) {
                throw new InvalidCidException("invalid CIDv0 " + InvalidCidException.quote(text) + ": " + e.getMessage(), e);
            }
        } else {
            if (text.startsWith("Qm")) {
                throw new InvalidCidException("invalid CID " + InvalidCidException.quote(text) + ": looks like a CIDv0 but has "
                        + text.length() + " characters instead of " + V0_CHARS);
            }
            raw = Multibase.decode(text);
        }
        try {
            return decode(raw);
        } catch (InvalidCidException e) {
            throw new InvalidCidException("invalid CID " + InvalidCidException.quote(text) + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a binary CID; trailing bytes are an error. */
    public static Cid decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Cid cid = read(buf);
        if (buf.hasRemaining()) {
            throw new InvalidCidException("binary CID " + InvalidCidException.hex(bytes, 0, bytes.length) + " has "
                    + buf.remaining() + " trailing byte(s)");
        }
        return cid;
    }

    /** Reads one binary CID from the buffer's position, advancing past it. */
    public static Cid read(ByteBuffer buf) {
        int start = buf.position();
        if (buf.remaining() >= 2 && buf.get(start) == SHA2_256_CODE && buf.get(start + 1) == SHA2_256_LENGTH) {
            if (buf.remaining() < V0_BYTES) {
                throw new InvalidCidException("truncated CIDv0: " + buf.remaining() + " of " + V0_BYTES + " bytes");
            }
            Multihash mh = Multihash.read(buf);
            return new Cid(0, Multicodec.DAG_PB, mh, mh.toBytes());
        }
        if (!buf.hasRemaining()) {
            throw new InvalidCidException("empty binary CID");
        }
        long version = Varint.read(buf);
        if (version != 1) {
            throw new InvalidCidException(version == 0
                    ? "CIDv0 must be a bare sha2-256 multihash, not carry an explicit version 0"
                    : "unsupported CID version " + version);
        }
        long codec = Varint.read(buf);
        Multihash mh = Multihash.read(buf);
        byte[] b = new byte[buf.position() - start];
        buf.get(start, b);
        return new Cid(1, codec, mh, b);
    }

    /** A CIDv0 for a full-length sha2-256 multihash. */
    public static Cid v0(Multihash mh) {
        if (mh.code() != HashFunction.SHA2_256.code() || mh.digestLength() != 32) {
            throw new InvalidCidException("CIDv0 requires a full-length sha2-256 multihash, not " + mh);
        }
        return new Cid(0, Multicodec.DAG_PB, mh, mh.toBytes());
    }

    public static Cid v1(long codec, Multihash mh) {
        int codecLen = Varint.size(codec);
        byte[] b = new byte[1 + codecLen + mh.encodedLength()];
        b[0] = 1;
        Varint.write(codec, b, 1);
        mh.writeTo(b, 1 + codecLen);
        return new Cid(1, codec, mh, b);
    }

    /** Hashes {@code data} with {@code fn} at full length into a CIDv1 with {@code codec}. */
    public static Cid of(long codec, HashFunction fn, byte[] data) {
        return v1(codec, Multihash.digest(fn, data));
    }

    public int version() {
        return version;
    }

    public long codec() {
        return codec;
    }

    public Multihash multihash() {
        return multihash;
    }

    /** A copy of the binary CID. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public int encodedLength() {
        return bytes.length;
    }

    /** Copies the binary CID into {@code dst} at {@code off}, returning the bytes written. */
    public int writeTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, bytes.length);
        return bytes.length;
    }

    /** The canonical text: base32 for v1, {@code Qm...} base58btc for v0. Cached. */
    @Override
    public String toString() {
        String s = text;
        if (s == null) {
            s = version == 0 ? Multibase.BASE58BTC.encodeRaw(bytes) : Multibase.BASE32.encode(bytes);
            text = s;
        }
        return s;
    }

    /**
     * The text in a given base. A CIDv0 exists only as unprefixed base58btc; ask for another base on
     * {@link #toV1()}.
     */
    public String toString(Multibase base) {
        if (version == 0) {
            if (base != Multibase.BASE58BTC) {
                throw new InvalidCidException("CIDv0 " + this + " can only be written in base58btc, not "
                        + base.multibaseName() + "; convert it with toV1() first");
            }
            return toString();
        }
        return base == Multibase.BASE32 ? toString() : base.encode(bytes);
    }

    /** The v1 form of this CID (dag-pb for a v0 CID); a v1 CID returns itself. */
    public Cid toV1() {
        return version == 1 ? this : v1(Multicodec.DAG_PB, multihash);
    }

    /** True when the multihash is identity, so the block's bytes are the digest itself. */
    public boolean isIdentity() {
        return multihash.code() == HashFunction.IDENTITY.code();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Cid o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
