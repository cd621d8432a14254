package io.cairn.ipld;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;

/**
 * Reads the links of a dag-pb block: protobuf {@code PBNode { repeated PBLink Links = 2; bytes
 * Data = 1; }} with {@code PBLink { bytes Hash = 1; string Name = 2; uint64 Tsize = 3; }}.
 * Only what link extraction needs is decoded; unknown fields and wrong wire types are rejected, as
 * the dag-pb specification requires, rather than silently skipped.
 */
final class DagPb {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_LEN = 2;

    private DagPb() {
    }

    static List<Cid> links(byte[] data) {
        List<Cid> out = new ArrayList<>();
        Cursor c = new Cursor(data, 0, data.length);
        while (c.pos < c.end) {
            int at = c.pos;
            long key = c.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire != WIRE_LEN || (field != 1 && field != 2)) {
                throw fail(data, at, "unexpected field " + field + " with wire type " + wire + " in PBNode");
            }
            int len = c.length();
            if (field == 2) {
                out.add(link(data, c.pos, c.pos + len));
            }
            c.pos += len;
        }
        return out;
    }

    private static Cid link(byte[] data, int start, int end) {
        Cursor c = new Cursor(data, start, end);
        Cid hash = null;
        while (c.pos < c.end) {
            int at = c.pos;
            long key = c.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 3 && wire == WIRE_VARINT) {
                c.varint();
            } else if ((field == 1 || field == 2) && wire == WIRE_LEN) {
                int len = c.length();
                if (field == 1) {
                    try {
                        hash = Cid.decode(Arrays.copyOfRange(data, c.pos, c.pos + len));
                    } catch (InvalidCidException e) {
                        throw fail(data, c.pos, "bad CID in PBLink.Hash: " + e.getMessage());
                    }
                }
                c.pos += len;
            } else {
                throw fail(data, at, "unexpected field " + field + " with wire type " + wire + " in PBLink");
            }
        }
        if (hash == null) {
            throw fail(data, start, "PBLink without a Hash");
        }
        return hash;
    }

    private static MalformedBlockException fail(byte[] data, int at, String problem) {
        return new MalformedBlockException("invalid dag-pb at offset " + at + " of " + data.length + ": " + problem);
    }

    /** Protobuf varints (up to 10 bytes, unlike multiformats varints) within one message's bounds. */
    private static final class Cursor {
        final byte[] data;
        final int end;
        int pos;

        Cursor(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        long varint() {
            int at = pos;
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= end) {
                    throw fail(data, at, "truncated varint");
                }
                int b = data[pos++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw fail(data, at, "varint longer than 10 bytes");
        }

        int length() {
            int at = pos;
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw fail(data, at, "field declares " + Long.toUnsignedString(len) + " bytes but only "
                        + (end - pos) + " remain");
            }
            return (int) len;
        }
    }
}
