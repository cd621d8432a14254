package io.cairn.server.http;

import io.cairn.memory.offheap.SegmentSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking, streaming multipart/form-data reader (RFC 7578 / RFC 2046): one part at a time, each
 * part's body an {@link InputStream} that ends at the next delimiter. It holds one fixed 64 KiB
 * window, never a whole part, so what a part costs in memory is decided by whoever reads it (the
 * RPC handler reserves through the governor before it reads).
 *
 * <p>Why not Jetty's {@code MultiPartFormData}: it is asynchronous and, to hand back complete
 * parts, keeps them in memory or spools them to files; here parts are consumed as they stream by,
 * on a virtual thread, with the byte limits enforced by the caller's stream.
 *
 * <p>Any part name is accepted (kubo-rpc-client sends {@code file}, curl users often {@code data}).
 */
public final class MultipartReader {
    private static final int WINDOW = 64 * 1024;
    /** What one reader's window costs the heap, for callers that reserve it. */
    static final long WINDOW_FOOTPRINT = io.cairn.memory.HeapFootprint.ofByteArray(WINDOW);
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[WINDOW];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean finished;
    private boolean started;
    private PartStream current;

    /** One part: its headers (lower-cased names) and its body, readable until the next delimiter. */
    public record Part(Map<String, String> headers, String name, String filename, InputStream body) {
    }

    public MultipartReader(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new IllegalArgumentException("multipart boundary must be 1 to 200 characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter may open the body without a preceding CRLF; pretend one was there so one
        // search handles both.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The boundary parameter of a {@code multipart/form-data} Content-Type, or null if it has none. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        String lower = contentType.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("multipart/")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9).strip();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    /**
     * Skips whatever is left of the current part and returns the next one, or null after the closing
     * delimiter.
     */
    public Part next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        } else if (!started) {
            started = true;
            skipPreamble();
        }
        if (finished) {
            return null;
        }
        Map<String, String> headers = readHeaders();
        String disposition = headers.getOrDefault("content-disposition", "");
        current = new PartStream();
        return new Part(headers, param(disposition, "name"), param(disposition, "filename"), current);
    }

    private void skipPreamble() throws IOException {
        while (true) {
            int at = find();
            if (at >= 0) {
                pos = at + delimiter.length;
                afterDelimiter();
                return;
            }
            if (eof) {
                throw new MultipartException("multipart body has no boundary line (expected --" + boundaryText() + ")");
            }
            pos = Math.max(pos, lim - delimiter.length + 1);
            fill();
        }
    }

    /** After a delimiter: "--" closes the body; otherwise optional padding then CRLF. */
    private void afterDelimiter() throws IOException {
        ensure(2);
        if (lim - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return;
        }
        while (true) {
            ensure(2);
            if (lim - pos < 2) {
                throw new MultipartException("multipart body ends right after a boundary line");
            }
            if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                return;
            }
            if (buf[pos] == ' ' || buf[pos] == '\t') {
                pos++;
                continue;
            }
            throw new MultipartException("multipart boundary line is followed by unexpected bytes");
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw new MultipartException("multipart part headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MultipartException("malformed multipart part header: '" + abbreviate(line) + "'");
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
    }

    private String readLine() throws IOException {
        int scanFrom = pos;
        while (true) {
            for (int i = scanFrom; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return line;
                }
            }
            if (lim - pos > MAX_HEADER_BYTES) {
                throw new MultipartException("multipart part header line exceeds " + MAX_HEADER_BYTES + " bytes");
            }
            if (eof) {
                throw new MultipartException("multipart body ends inside a part's headers");
            }
            scanFrom = Math.max(pos, lim - 1);
            scanFrom -= compact();
            fill();
        }
    }

    /** Index of the delimiter within [pos, lim), or -1. */
    private int find() {
        byte first = delimiter[0];
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Makes at least n bytes available after pos unless the stream ends first. */
    private void ensure(int n) throws IOException {
        while (lim - pos < n && !eof) {
            compact();
            fill();
        }
    }

    private int compact() {
        int shift = pos;
        if (shift > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= shift;
            pos = 0;
        }
        return shift;
    }

    private void fill() throws IOException {
        if (lim == buf.length) {
            compact();
            if (lim == buf.length) {
                return;
            }
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
        } else {
            lim += n;
        }
    }

    private String boundaryText() {
        return new String(delimiter, 4, delimiter.length - 4, StandardCharsets.ISO_8859_1);
    }

    private static String param(String header, String name) {
        for (String p : header.split(";")) {
            String t = p.strip();
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = t.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** A part's body: the bytes up to the next delimiter. */
    private final class PartStream extends InputStream implements SegmentSource {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            int n = available(len);
            if (n > 0) {
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
            }
            return n;
        }

        /** Copies straight from the window into native memory (an upload chunk): no array between. */
        @Override
        public int read(MemorySegment target) throws IOException {
            int n = available((int) Math.min(Integer.MAX_VALUE, target.byteSize()));
            if (n > 0) {
                MemorySegment.copy(buf, pos, target, ValueLayout.JAVA_BYTE, 0, n);
                pos += n;
            }
            return n;
        }

        /** How many body bytes at {@code pos} can be taken now, at most {@code len}; -1 at the part's end. */
        private int available(int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = find();
                if (at >= 0) {
                    if (at > pos) {
                        return Math.min(len, at - pos);
                    }
                    pos = at + delimiter.length;
                    done = true;
                    afterDelimiter();
                    return -1;
                }
                // Everything but a possible delimiter prefix at the end is part body.
                int safe = lim - delimiter.length + 1;
                if (safe > pos) {
                    return Math.min(len, safe - pos);
                }
                if (eof) {
                    throw new MultipartException("multipart body ends inside a part (no closing boundary)");
                }
                compact();
                fill();
            }
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }
}
