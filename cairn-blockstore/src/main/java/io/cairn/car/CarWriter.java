package io.cairn.car;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.cairn.cid.Cid;
import io.cairn.cid.Varint;
import io.cairn.ipld.DagCbor;

/**
 * Writes a CARv1: the header {@code {"roots":[...],"version":1}} immediately, then one section per
 * {@link #write}. Nothing is buffered here beyond one section prefix; wrap the stream in a
 * {@link java.io.BufferedOutputStream} when writing many small blocks to a socket.
 */
public final class CarWriter implements AutoCloseable {
    private final OutputStream out;
    private long written;
    private boolean closed;

    public CarWriter(OutputStream out, List<Cid> roots) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        byte[] header = header(roots);
        byte[] len = Varint.encode(header.length);
        out.write(len);
        out.write(header);
        written = len.length + header.length;
    }

    /** The dag-cbor CARv1 header for these roots (without its length prefix). */
    public static byte[] header(List<Cid> roots) {
        Objects.requireNonNull(roots, "roots");
        for (Cid c : roots) {
            Objects.requireNonNull(c, "roots must not contain null");
        }
        return DagCbor.encode(Map.of("roots", roots, "version", 1L));
    }

    /** Appends one section; the data is written as given, without checking it against the CID. */
    public void write(Cid cid, byte[] data) throws IOException {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(data, "data");
        if (closed) {
            throw new IllegalStateException("CarWriter is closed");
        }
        long sectionLength = (long) cid.encodedLength() + data.length;
        byte[] prefix = new byte[Varint.size(sectionLength) + cid.encodedLength()];
        int n = Varint.write(sectionLength, prefix, 0);
        cid.writeTo(prefix, n);
        out.write(prefix);
        out.write(data);
        written += prefix.length + data.length;
    }

    /** Bytes written to the stream so far, header included. */
    public long bytesWritten() {
        return written;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try (out) {
                out.flush();
            }
        }
    }
}
