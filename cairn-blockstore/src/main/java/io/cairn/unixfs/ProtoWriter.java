package io.cairn.unixfs;

import java.io.ByteArrayOutputStream;

/** Protobuf wire-format writing: varint and length-delimited fields, in the order they are written. */
final class ProtoWriter {
    private final ByteArrayOutputStream out;

    ProtoWriter(int expected) {
        out = new ByteArrayOutputStream(expected);
    }

    ProtoWriter varintField(int field, long v) {
        varint((long) field << 3);
        varint(v);
        return this;
    }

    ProtoWriter bytesField(int field, byte[] b) {
        return bytesField(field, b, 0, b.length);
    }

    ProtoWriter bytesField(int field, byte[] b, int off, int len) {
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

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
