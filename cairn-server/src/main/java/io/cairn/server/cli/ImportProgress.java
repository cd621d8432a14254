package io.cairn.server.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of an {@code import}: on a terminal a bar redrawn in place (bytes, blocks, rate, ETA); in
 * a pipe or log, a plain line every few seconds, so logs stay readable.
 */
final class ImportProgress {
    private static final long TERMINAL_REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_LINE_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final long totalBytes;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final CarSectionCounter counter = new CarSectionCounter();
    private long bytes;
    private long blocks = -1;
    private long lastDraw;
    private boolean drewBar;

    ImportProgress(PrintStream err, long totalBytes, boolean terminal) {
        this.err = err;
        this.totalBytes = totalBytes;
        this.terminal = terminal;
        this.lastDraw = start;
    }

    /** Bytes on their way to the server; blocks are counted from the CAR framing. */
    synchronized void bytes(byte[] b, int off, int n) {
        counter.feed(b, off, n);
        bytes += n;
        maybeDraw(false);
    }

    /** Offline: bytes read and blocks stored so far. */
    synchronized void advance(long bytesRead, long blocksStored) {
        bytes = bytesRead;
        blocks = blocksStored;
        maybeDraw(false);
    }

    /** The last byte has gone out; on a terminal show 100 % while the server finishes storing. */
    synchronized void uploadDone() {
        if (terminal) {
            maybeDraw(true);
        }
    }

    synchronized void finish(long finalBlocks, long finalBytes) {
        bytes = Math.max(bytes, finalBytes);
        blocks = finalBlocks;
        if (terminal) {
            draw();
            err.println();
        } else {
            err.println(line());
        }
        err.flush();
    }

    private void maybeDraw(boolean force) {
        long now = System.nanoTime();
        long every = terminal ? TERMINAL_REDRAW_NANOS : PLAIN_LINE_NANOS;
        if (!force && now - lastDraw < every) {
            return;
        }
        lastDraw = now;
        if (terminal) {
            draw();
        } else {
            err.println(line());
        }
        err.flush();
    }

    private void draw() {
        int width = 24;
        double frac = totalBytes > 0 ? Math.min(1.0, (double) bytes / totalBytes) : 0;
        int filled = (int) Math.round(frac * width);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        err.print("\r[" + bar + "] " + line() + "   ");
        drewBar = true;
    }

    String line() {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double rate = bytes / secs;
        long shownBlocks = blocks >= 0 ? blocks : counter.blocks();
        String pct = totalBytes > 0 ? String.format(Locale.ROOT, " (%.0f%%)", 100.0 * bytes / totalBytes) : "";
        String eta = totalBytes > 0 && rate > 0 && bytes < totalBytes
                ? ", ETA " + duration((long) ((totalBytes - bytes) / rate)) : "";
        return String.format(Locale.ROOT, "import: %s of %s%s, %d blocks, %s/s%s",
                size(bytes), size(totalBytes), pct, shownBlocks, size((long) rate), eta);
    }

    boolean drewBar() {
        return drewBar;
    }

    static String size(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
