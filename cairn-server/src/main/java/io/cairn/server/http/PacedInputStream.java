package io.cairn.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A deadline per window of bytes instead of one for the whole body: every {@code window} bytes must
 * arrive within {@code timeoutMillis}. For uploads of any size ({@code /api/v0/add} of a 2 GiB
 * file), where {@link BodyLimitInputStream}'s single deadline would cut honest clients off, while a
 * client trickling a byte at a time is still ended (here: slower than a window per timeout).
 */
final class PacedInputStream extends FilterInputStream {
    private final long window;
    private final long timeoutNanos;
    private long deadline;
    private long inWindow;

    PacedInputStream(InputStream in, long window, long timeoutMillis) {
        super(in);
        this.window = window;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (System.nanoTime() - deadline > 0) {
            throw new BodyLimitInputStream.TooSlowException("request body arrived slower than " + window
                    + " bytes per read timeout");
        }
        int n = super.read(b, off, len);
        if (n > 0) {
            inWindow += n;
            if (inWindow >= window) {
                inWindow = 0;
                deadline = System.nanoTime() + timeoutNanos;
            }
        }
        return n;
    }
}
