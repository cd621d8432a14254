package io.cairn.car;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

import io.cairn.cid.Cid;
import io.cairn.cid.InvalidCidException;
import io.cairn.cid.Varint;
import io.cairn.ipld.DagCbor;
import io.cairn.ipld.MalformedBlockException;

/**
 * Streams the blocks of a CARv1, or of the v1 payload inside a CARv2, from an input stream.
 *
 * <p>The reader checks structure only: every section must be complete, start with a valid CID and
 * stay within {@link #DEFAULT_MAX_SECTION} (or the limit given to {@link #open(InputStream, int)}),
 * so a corrupt or hostile length cannot make it allocate gigabytes. It does not check that data
 * hashes to its CID; whoever stores the blocks does. A CARv2 index, if present, is skipped.
 *
 * <pre>{@code
 * try (CarReader car = CarReader.open(in)) {
 *     for (CarBlock b = car.next(); b != null; b = car.next()) {
 *         store.put(b.cid(), b.data());
 *     }
 * }
 * }</pre>
 */
public final class CarReader implements AutoCloseable, Iterable<CarBlock> {
    /**
     * Largest section (CID + data) accepted by default: four times Kubo's 2 MiB block limit, so
     * big blocks made with {@code allow-big-block} still import while absurd lengths fail fast.
     */
    public static final int DEFAULT_MAX_SECTION = 8 * 1024 * 1024;
    /** Largest header; a header is a few CIDs, so 1 MiB already allows thousands of roots. */
    static final int MAX_HEADER = 1024 * 1024;
    /** The 11-byte CARv2 pragma: varint(10) then dag-cbor {"version":2}. */
    static final byte[] V2_PRAGMA = {0x0a, (byte) 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02};
    /** CARv2 header after the pragma: 16 characteristics bytes then three little-endian uint64. */
    static final int V2_HEADER_LENGTH = 40;

    private final Counting in;
    private final int version;
    private final List<Cid> roots;
    private final int maxSection;
    /** Stream offset where the v1 payload ends (CARv2 data size), or -1 to read until end of stream. */
    private final long payloadEnd;
    private boolean iterated;

    private CarReader(Counting in, int version, List<Cid> roots, int maxSection, long payloadEnd) {
        this.in = in;
        this.version = version;
        this.roots = roots;
        this.maxSection = maxSection;
        this.payloadEnd = payloadEnd;
    }

    /** Reads the header (v1, or v2 pragma + header + inner v1 header) and positions at the first block. */
    public static CarReader open(InputStream in) throws IOException {
        return open(in, DEFAULT_MAX_SECTION);
    }

    public static CarReader open(InputStream stream, int maxSectionLength) throws IOException {
        if (maxSectionLength <= 0) {
            throw new IllegalArgumentException("maxSectionLength must be positive, got " + maxSectionLength);
        }
        // Varints are read a byte at a time, so an unbuffered socket stream would cost a system call
        // per byte; over-reading past a CARv2 payload is harmless because the reader owns the stream.
        InputStream source = stream instanceof BufferedInputStream || stream instanceof ByteArrayInputStream
                ? stream : new BufferedInputStream(stream, 64 * 1024);
        Counting in = new Counting(source);
        Map<String, Object> header = readHeader(in, -1);
        long version = headerVersion(header);
        if (version == 1) {
            return new CarReader(in, 1, rootsOf(header), maxSectionLength, -1);
        }
        if (version != 2) {
            throw new InvalidCarException("unsupported CAR version " + version + " (Cairn reads versions 1 and 2)");
        }
        if (in.count != V2_PRAGMA.length) {
            throw new InvalidCarException("CARv2 pragma must be exactly " + V2_PRAGMA.length + " bytes, got " + in.count);
        }
        byte[] h = in.readExactly(V2_HEADER_LENGTH, "CARv2 header");
        ByteBuffer b = ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long dataOffset = b.getLong(16);
        long dataSize = b.getLong(24);
        long headerEnd = V2_PRAGMA.length + V2_HEADER_LENGTH;
        if (dataOffset < headerEnd || dataSize < 0 || dataOffset + dataSize < dataOffset) {
            throw new InvalidCarException("CARv2 header has an impossible data offset " + Long.toUnsignedString(dataOffset)
                    + " / size " + Long.toUnsignedString(dataSize) + " (the payload cannot start before byte "
                    + headerEnd + ")");
        }
        in.skipExactly(dataOffset - headerEnd, "CARv2 padding before the data payload");
        long payloadEnd = dataOffset + dataSize;
        Map<String, Object> inner = readHeader(in, payloadEnd);
        long innerVersion = headerVersion(inner);
        if (innerVersion != 1) {
            throw new InvalidCarException("CARv2 payload must be a CARv1, but its header says version " + innerVersion);
        }
        return new CarReader(in, 2, rootsOf(inner), maxSectionLength, payloadEnd);
    }

    private static Map<String, Object> readHeader(Counting in, long limit) throws IOException {
        long at = in.count;
        long len = in.varint("CAR header length");
        if (len < 0) {
            throw new InvalidCarException("empty input: expected a CAR header");
        }
        if (len == 0 || len > MAX_HEADER) {
            throw new InvalidCarException("CAR header at offset " + at + " declares " + len
                    + " bytes; it must be between 1 and " + MAX_HEADER);
        }
        if (limit >= 0 && in.count + len > limit) {
            throw new InvalidCarException("CAR header at offset " + at + " runs past the end of the CARv2 payload");
        }
        byte[] bytes = in.readExactly((int) len, "CAR header");
        Object decoded;
        try {
            decoded = DagCbor.decode(bytes);
        } catch (MalformedBlockException e) {
            throw new InvalidCarException("CAR header at offset " + at + " is not valid DAG-CBOR: " + e.getMessage(), e);
        }
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new InvalidCarException("CAR header at offset " + at + " must be a map, not " + describe(decoded));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) map;
        return header;
    }

    private static long headerVersion(Map<String, Object> header) {
        if (!(header.get("version") instanceof Long v)) {
            throw new InvalidCarException("CAR header lacks an integer 'version': " + header.keySet());
        }
        return v;
    }

    private static List<Cid> rootsOf(Map<String, Object> header) {
        if (!(header.get("roots") instanceof List<?> list)) {
            throw new InvalidCarException("CARv1 header lacks a 'roots' array of CIDs");
        }
        List<Cid> roots = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Cid cid)) {
                throw new InvalidCarException("CARv1 header 'roots' holds " + describe(o) + " where a CID belongs");
            }
            roots.add(cid);
        }
        return List.copyOf(roots);
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    public List<Cid> roots() {
        return roots;
    }

    /** 1 or 2: the version of the container (a v2 CAR still yields the blocks of its v1 payload). */
    public int version() {
        return version;
    }

    /**
     * The next block, or {@code null} at the end of the payload.
     *
     * @throws InvalidCarException for a truncated, oversized or malformed section
     */
    public CarBlock next() throws IOException {
        return next(length -> { });
    }

    /**
     * Like {@link #next()}, but tells {@code beforeRead} the section's length (CID + data) once it is
     * known to be within the limits and before any of it is allocated, so that a caller can reserve
     * memory for exactly that section, or refuse it by throwing. While a section is being split, the
     * reader holds two arrays: the section and its data, about twice its length.
     *
     * @throws InvalidCarException for a truncated, oversized or malformed section
     */
    public CarBlock next(LongConsumer beforeRead) throws IOException {
        long at = in.count;
        long len = sectionLength(at);
        if (len < 0) {
            return null;
        }
        beforeRead.accept(len);
        byte[] section = in.readExactly((int) len, "section at offset " + at);
        ByteBuffer buf = ByteBuffer.wrap(section);
        Cid cid = sectionCid(buf, at);
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return new CarBlock(cid, data);
    }

    /** Reads a section's data where the caller wants it (for example into native memory). */
    @FunctionalInterface
    public interface SectionReader<T> {
        /**
         * @param data a stream of exactly {@code dataLength} bytes, the section's data; what the
         *             reader leaves unread is skipped afterwards
         */
        T read(Cid cid, int dataLength, InputStream data) throws IOException;
    }

    /**
     * Like {@link #next(LongConsumer)}, but the section's data is not read into an array: only its
     * first bytes (the CID, at most {@value #CID_PREFIX} bytes read to find it) are, and
     * {@code reader} gets the CID and the rest as a stream. Returns what the reader returned, or
     * null at the end of the payload. A stream that ends inside the data raises
     * {@link InvalidCarException} from the reader's reads.
     */
    public <T> T nextSection(LongConsumer beforeRead, SectionReader<T> reader) throws IOException {
        long at = in.count;
        long len = sectionLength(at);
        if (len < 0) {
            return null;
        }
        beforeRead.accept(len);
        String what = "section at offset " + at;
        byte[] prefix = in.readExactly((int) Math.min(len, CID_PREFIX), what);
        ByteBuffer buf = ByteBuffer.wrap(prefix);
        Cid cid;
        if (len > prefix.length && !parses(prefix)) {
            // A CID longer than the prefix (a long identity CID): read the section whole, as next() does.
            byte[] section = new byte[(int) len];
            System.arraycopy(prefix, 0, section, 0, prefix.length);
            byte[] rest = in.readExactly((int) len - prefix.length, what);
            System.arraycopy(rest, 0, section, prefix.length, rest.length);
            buf = ByteBuffer.wrap(section);
            cid = sectionCid(buf, at);
            return reader.read(cid, buf.remaining(), new ByteArrayInputStream(section, buf.position(), buf.remaining()));
        }
        cid = sectionCid(buf, at);
        int dataLength = (int) (len - buf.position());
        InputStream tail = in.limited(len - prefix.length, what);
        InputStream data = new java.io.SequenceInputStream(
                new ByteArrayInputStream(prefix, buf.position(), buf.remaining()), tail);
        T result = reader.read(cid, dataLength, data);
        tail.skipNBytes(tail.available());
        return result;
    }

    /** First bytes read of a section to find its CID without reading its data. */
    static final int CID_PREFIX = 1024;

    private static boolean parses(byte[] prefix) {
        try {
            Cid.read(ByteBuffer.wrap(prefix));
            return true;
        } catch (InvalidCidException | java.nio.BufferUnderflowException e) {
            return false;
        }
    }

    /** The next section's length, checked against the limits, or -1 at the end of the payload. */
    private long sectionLength(long at) throws IOException {
        if (payloadEnd >= 0 && at >= payloadEnd) {
            return -1;
        }
        long len = in.varint("section length");
        if (len < 0) {
            if (payloadEnd >= 0) {
                throw new InvalidCarException("truncated CARv2: stream ended at offset " + at
                        + " before the data payload's end at " + payloadEnd);
            }
            return -1;
        }
        if (len == 0) {
            throw new InvalidCarException("zero-length section at offset " + at);
        }
        if (len > maxSection) {
            throw new InvalidCarException("section at offset " + at + " declares " + len
                    + " bytes, over the " + maxSection + "-byte limit");
        }
        if (payloadEnd >= 0 && in.count + len > payloadEnd) {
            throw new InvalidCarException("section at offset " + at + " runs past the end of the CARv2 payload at "
                    + payloadEnd);
        }
        return len;
    }

    private static Cid sectionCid(ByteBuffer buf, long at) {
        try {
            return Cid.read(buf);
        } catch (InvalidCidException | java.nio.BufferUnderflowException e) {
            throw new InvalidCarException("section at offset " + at + " does not start with a valid CID: "
                    + e.getMessage(), e);
        }
    }

    /** Bytes consumed from the underlying stream so far. */
    public long bytesRead() {
        return in.count;
    }

    /**
     * A single-use iterator over the remaining blocks; I/O errors surface as
     * {@link UncheckedIOException}.
     */
    @Override
    public Iterator<CarBlock> iterator() {
        if (iterated) {
            throw new IllegalStateException("a CarReader can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private CarBlock pending;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (pending == null && !done) {
                    try {
                        pending = CarReader.this.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    done = pending == null;
                }
                return pending != null;
            }

            @Override
            public CarBlock next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CarBlock b = pending;
                pending = null;
                return b;
            }
        };
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.stream.close();
    }

    /** The source stream with a running offset, for error messages and CARv2 payload bounds. */
    private static final class Counting {
        final InputStream stream;
        long count;

        Counting(InputStream stream) {
            this.stream = stream;
        }

        long varint(String what) throws IOException {
            long at = count;
            InputStream counting = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = stream.read();
                    if (b >= 0) {
                        count++;
                    }
                    return b;
                }
            };
            try {
                return Varint.read(counting);
            } catch (InvalidCidException e) {
                throw new InvalidCarException("bad " + what + " at offset " + at + ": " + e.getMessage(), e);
            }
        }

        byte[] readExactly(int len, String what) throws IOException {
            byte[] b = stream.readNBytes(len);
            count += b.length;
            if (b.length < len) {
                throw new InvalidCarException("truncated CAR: " + what + " needs " + len + " bytes but the stream ended after "
                        + b.length);
            }
            return b;
        }

        /**
         * The next {@code len} bytes as a stream that counts what it reads and raises
         * {@link InvalidCarException} if the source ends first; {@code available()} is what is left.
         */
        InputStream limited(long len, String what) {
            return new InputStream() {
                private long left = len;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int n) throws IOException {
                    if (left == 0) {
                        return -1;
                    }
                    int got = stream.read(b, off, (int) Math.min(n, left));
                    if (got < 0) {
                        throw new InvalidCarException("truncated CAR: " + what + " ended " + left + " bytes early");
                    }
                    left -= got;
                    count += got;
                    return got;
                }

                @Override
                public int available() {
                    return (int) Math.min(Integer.MAX_VALUE, left);
                }

                @Override
                public long skip(long n) throws IOException {
                    long skipped = stream.skip(Math.min(n, left));
                    left -= skipped;
                    count += skipped;
                    return skipped;
                }
            };
        }

        void skipExactly(long len, String what) throws IOException {
            try {
                stream.skipNBytes(len);
            } catch (EOFException e) {
                throw new InvalidCarException("truncated CAR: stream ended inside the " + what, e);
            }
            count += len;
        }
    }
}
