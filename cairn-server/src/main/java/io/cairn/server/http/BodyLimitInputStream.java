package io.cairn.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Caps a request body's length and the time it may take to arrive. The connector's idle timeout
 * already ends a connection that goes silent; this deadline also ends one that trickles a byte at a
 * time, which the idle timeout never sees.
 */
final class BodyLimitInputStream extends FilterInputStream {
    private final long limit;
    private final long deadlineNanos;
    private final String what;
    private long count;

    BodyLimitInputStream(InputStream in, long limit, long timeoutMillis, String what) {
        super(in);
        this.limit = limit;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        this.what = what;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new TooSlowException(what + " took longer than the read timeout to arrive");
        }
        // One byte past the limit is allowed through so that "exactly at the limit" and "over it" differ.
        long room = limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - count + 1;
        int n = super.read(b, off, (int) Math.min(len, Math.max(1, room)));
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new TooLargeException(what + " is larger than the " + limit + "-byte limit");
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(8192, Math.max(1, n))];
        int r = read(sink, 0, (int) Math.min(sink.length, n));
        return Math.max(0, r);
    }

    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    static final class TooSlowException extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlowException(String message) {
            super(message);
        }
    }
}
