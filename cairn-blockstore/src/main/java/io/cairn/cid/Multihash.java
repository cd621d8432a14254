package io.cairn.cid;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A self-describing digest: {@code varint(code) varint(length) digest}. Immutable; equality,
 * hash code and order are those of the encoded bytes, so a multihash is a cheap map key.
 *
 * <p>Any code is accepted when decoding (a store keeps blocks hashed by functions it cannot
 * compute); a known function's digest may not be longer than that function produces.
 */
public final class Multihash implements Comparable<Multihash> {
    /**
     * Upper bound on a decoded digest. Real digests are at most 64 bytes; identity multihashes carry
     * their data inline and Kubo caps them at 128 bytes by default, so 64 KiB only guards against a
     * corrupt length field asking for an absurd allocation.
     */
    static final int MAX_DIGEST_LENGTH = 64 * 1024;

    private final byte[] bytes;
    private final long code;
    private final int digestOffset;
    private final int hash;

    private Multihash(byte[] bytes, long code, int digestOffset) {
        this.bytes = bytes;
        this.code = code;
        this.digestOffset = digestOffset;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Hashes {@code data} with {@code fn} at full length. */
    public static Multihash digest(HashFunction fn, byte[] data) {
        return digest(fn, data, -1);
    }

    /**
     * Hashes {@code data} with {@code fn}, keeping the first {@code truncatedLength} bytes of the
     * digest (-1 for the full digest). For identity the length, if given, must equal the data length.
     */
    public static Multihash digest(HashFunction fn, byte[] data, int truncatedLength) {
        return ofDigest(fn, fn.digest(data), truncatedLength, data.length);
    }

    /**
     * As {@link #digest(HashFunction, byte[], int)} over the remaining bytes of {@code parts} taken
     * in order as one input, hashed in place (see {@link HashFunction#digest(ByteBuffer...)}).
     */
    public static Multihash digest(HashFunction fn, ByteBuffer[] parts, int truncatedLength) {
        long length = 0;
        for (ByteBuffer p : parts) {
            length += p.remaining();
        }
        return ofDigest(fn, fn.digest(parts), truncatedLength, length);
    }

    private static Multihash ofDigest(HashFunction fn, byte[] full, int truncatedLength, long dataLength) {
        if (truncatedLength == -1 || truncatedLength == full.length) {
            return of(fn.code(), full);
        }
        if (fn == HashFunction.IDENTITY) {
            throw new InvalidCidException("identity multihash length " + truncatedLength
                    + " differs from the data length " + dataLength + "; identity digests cannot be truncated");
        }
        if (truncatedLength <= 0 || truncatedLength > full.length) {
            throw new InvalidCidException("invalid digest length " + truncatedLength + " for " + fn.multihashName()
                    + ": must be between 1 and " + full.length + ", or -1 for the full digest");
        }
        return of(fn.code(), Arrays.copyOf(full, truncatedLength));
    }

    /** Wraps an existing digest (copied) under any code. */
    public static Multihash of(long code, byte[] digest) {
        if (code < 0) {
            throw new InvalidCidException("invalid multihash code " + Long.toUnsignedString(code));
        }
        checkLength(code, digest.length);
        int codeLen = Varint.size(code);
        int lenLen = Varint.size(digest.length);
        byte[] b = new byte[codeLen + lenLen + digest.length];
        Varint.write(code, b, 0);
        Varint.write(digest.length, b, codeLen);
        System.arraycopy(digest, 0, b, codeLen + lenLen, digest.length);
        return new Multihash(b, code, codeLen + lenLen);
    }

    /** Decodes a complete multihash; trailing bytes are an error. */
    public static Multihash decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Multihash mh;
        try {
            mh = read(buf);
        } catch (InvalidCidException e) {
            throw new InvalidCidException("invalid multihash " + InvalidCidException.hex(bytes, 0, bytes.length)
                    + ": " + e.getMessage(), e);
        }
        if (buf.hasRemaining()) {
            throw new InvalidCidException("invalid multihash " + InvalidCidException.hex(bytes, 0, bytes.length)
                    + ": " + buf.remaining() + " trailing byte(s) after a " + mh.digestLength() + "-byte digest");
        }
        return mh;
    }

    /** Reads one multihash from the buffer's position, advancing past it. */
    public static Multihash read(ByteBuffer buf) {
        int start = buf.position();
        long code = Varint.read(buf);
        long length = Varint.read(buf);
        if (length > MAX_DIGEST_LENGTH) {
            throw new InvalidCidException("multihash header declares a " + length + "-byte digest, over the "
                    + MAX_DIGEST_LENGTH + "-byte limit");
        }
        checkLength(code, (int) length);
        if (buf.remaining() < length) {
            throw new InvalidCidException("multihash header declares a " + length + "-byte digest but only "
                    + buf.remaining() + " byte(s) follow");
        }
        int headerLen = buf.position() - start;
        byte[] b = new byte[headerLen + (int) length];
        buf.position(start);
        buf.get(b);
        return new Multihash(b, code, headerLen);
    }

    private static void checkLength(long code, int length) {
        HashFunction fn = HashFunction.forCode(code);
        if (fn != null && fn.defaultLength() >= 0 && length > fn.defaultLength()) {
            throw new InvalidCidException("digest length " + length + " exceeds the " + fn.defaultLength()
                    + " bytes that " + fn.multihashName() + " produces");
        }
    }

    public long code() {
        return code;
    }

    /** The function for {@link #code()}, empty when Cairn cannot compute it. */
    public Optional<HashFunction> function() {
        return HashFunction.byCode(code);
    }

    /** A copy of the digest bytes. */
    public byte[] digest() {
        return Arrays.copyOfRange(bytes, digestOffset, bytes.length);
    }

    public int digestLength() {
        return bytes.length - digestOffset;
    }

    /** A copy of the encoded multihash. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public int encodedLength() {
        return bytes.length;
    }

    /** Copies the encoded multihash into {@code dst} at {@code off}, returning the bytes written. */
    public int writeTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, bytes.length);
        return bytes.length;
    }

    /** True when the digest matches {@code data} re-hashed with the same function and length. */
    public boolean matches(byte[] data) {
        Optional<HashFunction> fn = function();
        if (fn.isEmpty()) {
            return false;
        }
        int len = digestLength();
        if (fn.get() == HashFunction.IDENTITY) {
            return Arrays.equals(bytes, digestOffset, bytes.length, data, 0, data.length);
        }
        byte[] actual = fn.get().digest(data);
        return len > 0 && Arrays.equals(bytes, digestOffset, bytes.length, actual, 0, len);
    }

    /** As {@link #matches(byte[])} for the remaining bytes of {@code parts}, in order, hashed in place. */
    public boolean matches(ByteBuffer... parts) {
        Optional<HashFunction> fn = function();
        if (fn.isEmpty()) {
            return false;
        }
        int len = digestLength();
        byte[] actual = fn.get().digest(parts);
        if (fn.get() == HashFunction.IDENTITY) {
            return Arrays.equals(bytes, digestOffset, bytes.length, actual, 0, actual.length);
        }
        return len > 0 && len <= actual.length && Arrays.equals(bytes, digestOffset, bytes.length, actual, 0, len);
    }

    /** Lower-case hex of the whole encoded multihash (header included). */
    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Multihash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        String name = function().map(HashFunction::multihashName).orElse("0x" + Long.toHexString(code));
        return name + ":" + HexFormat.of().formatHex(bytes, digestOffset, bytes.length);
    }
}
