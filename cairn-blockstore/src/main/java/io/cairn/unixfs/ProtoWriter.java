package io.cairn.unixfs;

import java.io.ByteArrayOutputStream;

/** Protobuf wire-format writing: varint and length-delimited fields, in the order they are written. */
public final class ProtoWriter {
    private final ByteArrayOutputStream out;

    public ProtoWriter(int expected) {
        out = new ByteArrayOutputStream(expected);
    }

    public ProtoWriter varintField(int field, long v) {
        varint((long) field << 3);
        varint(v);
        return this;
    }

    public ProtoWriter bytesField(int field, byte[] b) {
        return bytesField(field, b, 0, b.length);
    }

    public ProtoWriter bytesField(int field, byte[] b, int off, int len) {
        varint(((long) field << 3) | 2);
        varint(len);
        out.write(b, off, len);
        return this;
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
