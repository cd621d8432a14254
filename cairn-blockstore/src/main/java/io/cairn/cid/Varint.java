package io.cairn.cid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints as the multiformats specification constrains them: at most 9 bytes (so
 * at most 63 bits, which is why every value fits a non-negative {@code long}) and minimally encoded.
 * Rejecting non-minimal forms matters because CIDs are compared by their bytes: two encodings of
 * the same number would make one block reachable under two keys.
 */
public final class Varint {
    /** The multiformats limit; a 10th byte would be needed only for values beyond 2^63. */
    public static final int MAX_BYTES = 9;

    private Varint() {
    }

    /** Number of bytes {@link #encode(long)} produces for {@code v}. */
    public static int size(long v) {
        checkNonNegative(v);
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static byte[] encode(long v) {
        byte[] out = new byte[size(v)];
        write(v, out, 0);
        return out;
    }

    /**
     * Writes {@code v} at {@code dst[off]}.
     *
     * @return the number of bytes written (not the new offset)
     */
    public static int write(long v, byte[] dst, int off) {
        checkNonNegative(v);
        int n = 0;
        while ((v & ~0x7FL) != 0) {
            dst[off + n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        dst[off + n++] = (byte) v;
        return n;
    }

    /** Reads one varint, advancing the buffer past it; the position is unspecified after an error. */
    public static long read(ByteBuffer buf) {
        long value = 0;
        int start = buf.position();
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!buf.hasRemaining()) {
                throw new InvalidCidException("truncated varint: input ends after " + i + " byte(s) at offset " + start);
            }
            int b = buf.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new InvalidCidException("non-minimal varint at offset " + start + ": " + (i + 1)
                            + " bytes encode " + value);
                }
                return value;
            }
        }
        throw new InvalidCidException("overlong varint at offset " + start + ": more than " + MAX_BYTES + " bytes");
    }

    /**
     * Reads one varint from a stream.
     *
     * @return the value, or -1 if the stream ended cleanly before the first byte
     * @throws InvalidCidException if the stream ends inside the varint or the varint is malformed
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    return -1;
                }
                throw new InvalidCidException("truncated varint: stream ends after " + i + " byte(s)");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new InvalidCidException("non-minimal varint: " + (i + 1) + " bytes encode " + value);
                }
                return value;
            }
        }
        throw new InvalidCidException("overlong varint: more than " + MAX_BYTES + " bytes");
    }

    private static void checkNonNegative(long v) {
        if (v < 0) {
            throw new InvalidCidException("cannot encode " + Long.toUnsignedString(v)
                    + " as a varint: multiformats varints hold at most 63 bits");
        }
    }
}
