package io.cairn.unixfs;

import io.cairn.ipld.MalformedBlockException;

/**
 * Protobuf wire-format reading within one message's bounds (varints up to 10 bytes, length-delimited fields).
 * Public for the other protobuf formats of the project (IPNS records, libp2p keys).
 */
public final class ProtoReader {
    public static final int VARINT = 0;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private final byte[] data;
    private final String what;
    final int end;
    int pos;

    public ProtoReader(byte[] data, int pos, int end, String what) {
        this.data = data;
        this.pos = pos;
        this.end = end;
        this.what = what;
    }

    public boolean more() {
        return pos < end;
    }

    public long varint() {
        int at = pos;
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw fail(at, "truncated varint");
            }
            int b = data[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw fail(at, "varint longer than 10 bytes");
    }

    /** Reads a length prefix and returns the start of the field's bytes, leaving {@link #pos} after them. */
    public int lengthDelimited() {
        int at = pos;
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw fail(at, "field declares " + Long.toUnsignedString(len) + " bytes but only " + (end - pos) + " remain");
        }
        int start = pos;
        pos += (int) len;
        return start;
    }

    /** Skips {@code n} bytes of a fixed-width field whose key started at {@code at}. */
    public void skip(int at, int n) {
        if (end - pos < n) {
            throw fail(at, "truncated fixed-width field");
        }
        pos += n;
    }

    /** The offset of the next field. */
    public int pos() {
        return pos;
    }

    public MalformedBlockException fail(int at, String problem) {
        return new MalformedBlockException("invalid " + what + " at offset " + at + " of " + data.length + ": " + problem);
    }
}
