package io.cairn.cid;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * The multihash functions Cairn can compute, with their multicodec code and multihash name.
 *
 * <p>All methods are thread-safe. JDK digests are cloned from a prototype per call rather than held
 * in a {@code ThreadLocal}: a clone costs a few hundred bytes, while thread-locals would pin one
 * digest per (possibly virtual) thread for the life of that thread.
 */
public enum HashFunction {
    IDENTITY(0x00, "identity", -1, null),
    SHA1(0x11, "sha1", 20, "SHA-1"),
    SHA2_256(0x12, "sha2-256", 32, "SHA-256"),
    SHA2_512(0x13, "sha2-512", 64, "SHA-512"),
    SHA3_512(0x14, "sha3-512", 64, "SHA3-512"),
    SHA3_384(0x15, "sha3-384", 48, "SHA3-384"),
    SHA3_256(0x16, "sha3-256", 32, "SHA3-256"),
    SHA3_224(0x17, "sha3-224", 28, "SHA3-224"),
    BLAKE2B_256(0xb220, "blake2b-256", 32, null),
    BLAKE3(0x1e, "blake3", 32, null);

    private final int code;
    private final String multihashName;
    private final int defaultLength;
    private final MessageDigest prototype;
    /** Preallocated so that {@link #byCode}, called for every decoded multihash, allocates nothing. */
    private final Optional<HashFunction> asOptional;

    HashFunction(int code, String multihashName, int defaultLength, String jdkAlgorithm) {
        this.code = code;
        this.multihashName = multihashName;
        this.defaultLength = defaultLength;
        this.prototype = jdkAlgorithm == null ? null : jdkDigest(jdkAlgorithm);
        this.asOptional = Optional.of(this);
    }

    /** The multicodec code of this function, as written in a multihash header. */
    public int code() {
        return code;
    }

    /** The name in the multicodec table, e.g. {@code sha2-256}; what Kubo's {@code mhtype} accepts. */
    public String multihashName() {
        return multihashName;
    }

    /** Full digest length in bytes; -1 for {@link #IDENTITY}, whose "digest" is the input itself. */
    public int defaultLength() {
        return defaultLength;
    }

    /**
     * Looks a function up by its multihash name (case-insensitive). Besides the table names,
     * {@code sha3} is accepted as sha3-512 because the multihash spec's test vectors use it.
     */
    public static HashFunction byName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.equals("sha3")) {
                return SHA3_512;
            }
            for (HashFunction fn : values()) {
                if (fn.multihashName.equals(n)) {
                    return fn;
                }
            }
        }
        throw new InvalidCidException("unsupported hash function " + InvalidCidException.quote(name)
                + "; supported: " + Arrays.stream(values()).map(HashFunction::multihashName).toList());
    }

    public static Optional<HashFunction> byCode(long code) {
        HashFunction fn = forCode(code);
        return fn == null ? Optional.empty() : fn.asOptional;
    }

    /** Like {@link #byCode} but null when unknown, for hot paths. */
    static HashFunction forCode(long code) {
        if (code == 0xb220) {
            return BLAKE2B_256;
        }
        if (code < 0 || code > 0x1e) {
            return null;
        }
        return switch ((int) code) {
            case 0x00 -> IDENTITY;
            case 0x11 -> SHA1;
            case 0x12 -> SHA2_256;
            case 0x13 -> SHA2_512;
            case 0x14 -> SHA3_512;
            case 0x15 -> SHA3_384;
            case 0x16 -> SHA3_256;
            case 0x17 -> SHA3_224;
            case 0x1e -> BLAKE3;
            default -> null;
        };
    }

    /** Full-length digest of {@code data}; for {@link #IDENTITY} a copy of the data. */
    public byte[] digest(byte[] data) {
        return digest(data, 0, data.length);
    }

    public byte[] digest(byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (this == IDENTITY) {
            return Arrays.copyOfRange(data, off, off + len);
        }
        if (prototype != null) {
            MessageDigest md = copyOfPrototype();
            md.update(data, off, len);
            return md.digest();
        }
        Digest d = this == BLAKE3 ? new Blake3Digest(256) : new Blake2bDigest(256);
        d.update(data, off, len);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    /**
     * Full-length digest of the remaining bytes of {@code parts}, in order, as if they were one
     * array: hashed in place (a direct buffer over native memory is not copied to the heap whole;
     * the buffers' positions do not move). For {@link #IDENTITY} a copy of the bytes.
     */
    public byte[] digest(ByteBuffer... parts) {
        if (this == IDENTITY) {
            int total = 0;
            for (ByteBuffer p : parts) {
                total = Math.addExact(total, p.remaining());
            }
            byte[] out = new byte[total];
            int at = 0;
            for (ByteBuffer p : parts) {
                int n = p.remaining();
                p.get(p.position(), out, at, n);
                at += n;
            }
            return out;
        }
        Hasher h = newHasher();
        for (ByteBuffer p : parts) {
            h.update(p.duplicate());
        }
        return h.digest();
    }

    /** Bytes in as they arrive, the full-length digest out once at the end. Not thread-safe. */
    public interface Hasher {
        void update(byte[] data, int offset, int length);

        /** Hashes the remaining bytes of {@code data}, moving its position to its limit. */
        void update(ByteBuffer data);

        byte[] digest();
    }

    /**
     * A fresh incremental hasher for this function (JDK digests for the SHA families, BouncyCastle's
     * for blake2b and blake3), or {@code null} for {@link #IDENTITY}, whose "digest" is the data.
     */
    public Hasher newHasher() {
        if (this == IDENTITY) {
            return null;
        }
        if (prototype != null) {
            MessageDigest md = copyOfPrototype();
            return new Hasher() {
                @Override
                public void update(byte[] data, int offset, int length) {
                    md.update(data, offset, length);
                }

                @Override
                public void update(ByteBuffer data) {
                    md.update(data);
                }

                @Override
                public byte[] digest() {
                    return md.digest();
                }
            };
        }
        Digest d = this == BLAKE3 ? new Blake3Digest(256) : new Blake2bDigest(256);
        return new Hasher() {
            private byte[] scratch;

            @Override
            public void update(byte[] data, int offset, int length) {
                d.update(data, offset, length);
            }

            @Override
            public void update(ByteBuffer data) {
                if (data.hasArray()) {
                    d.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
                    data.position(data.limit());
                    return;
                }
                if (scratch == null) {
                    scratch = new byte[8192];
                }
                while (data.hasRemaining()) {
                    int n = Math.min(scratch.length, data.remaining());
                    data.get(scratch, 0, n);
                    d.update(scratch, 0, n);
                }
            }

            @Override
            public byte[] digest() {
                byte[] out = new byte[d.getDigestSize()];
                d.doFinal(out, 0);
                return out;
            }
        };
    }

    private MessageDigest copyOfPrototype() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // Providers that cannot clone are rare; a fresh instance is merely slower.
            return jdkDigest(prototype.getAlgorithm());
        }
    }

    private static MessageDigest jdkDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm + ", which every Java 25 runtime must provide", e);
        }
    }
}
