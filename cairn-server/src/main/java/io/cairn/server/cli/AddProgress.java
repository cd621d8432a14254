package io.cairn.server.cli;

import java.io.PrintStream;

/** {@code cairn add}'s progress on stderr: a bar redrawn in place on a terminal, else a line every 2 s, then a last one. */
final class AddProgress {
    private final PrintStream err;
    private final long total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long bytes;
    private long lastDraw = start;

    AddProgress(PrintStream err, long total, boolean terminal) {
        this.err = err;
        this.total = total;
        this.terminal = terminal;
    }

    synchronized void update(long bytesSoFar) {
        bytes = bytesSoFar;
        long now = System.nanoTime();
        if (now - lastDraw >= (terminal ? 200_000_000L : 2_000_000_000L)) {
            lastDraw = now;
            draw(false);
        }
    }

    synchronized void finish() {
        bytes = Math.max(bytes, total);
        draw(true);
    }

    private void draw(boolean last) {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        String line = String.format("added %s of %s (%d%%), %.1f MiB/s", mib(bytes), mib(total),
                total == 0 ? 100 : bytes * 100 / total, bytes / 1048576.0 / secs);
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    private static String mib(long b) {
        return String.format("%.1f MiB", b / 1048576.0);
    }
}
