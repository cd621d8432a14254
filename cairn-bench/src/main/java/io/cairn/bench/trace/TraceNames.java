package io.cairn.bench.trace;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps trace file names to trace names and formats, following the naming of the Caffeine
 * simulator's trace collection ({@code lirs_*.trace.gz}, {@code cache2k_*.trace.xz}, ...).
 */
public final class TraceNames {
    private TraceNames() {
    }

    /**
     * The trace's short name: the file name without compression and {@code .trace} suffixes and
     * without a {@code _trace} infix, so {@code corda_trace_vaultservice.gz} is
     * {@code corda_vaultservice}, the name the reference table uses.
     */
    public static String traceName(Path file) {
        String n = file.getFileName().toString();
        for (String suffix : new String[] {".gz", ".xz", ".zst", ".trace", ".txt", ".bin"}) {
            if (n.endsWith(suffix)) {
                n = n.substring(0, n.length() - suffix.length());
            }
        }
        return n.replace("_trace_", "_");
    }

    /** The format a file's name implies, if the name follows a known family. */
    public static Optional<TraceFormat> formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.startsWith("lirs_")) {
            return Optional.of(TraceFormat.LIRS);
        } else if (n.startsWith("address_")) {
            return Optional.of(TraceFormat.ADDRESS);
        } else if (n.startsWith("arc_")) {
            return Optional.of(TraceFormat.ARC);
        } else if (n.startsWith("cache2k_")) {
            return Optional.of(TraceFormat.CACHE2K);
        } else if (n.startsWith("cloud_physics") || n.startsWith("cloudphysics")) {
            return Optional.of(TraceFormat.CLOUD_PHYSICS);
        } else if (n.startsWith("corda_") || n.startsWith("scarab")) {
            return Optional.of(TraceFormat.INT64);
        } else if (n.startsWith("adapt_size")) {
            return Optional.of(TraceFormat.ADAPT_SIZE);
        }
        return Optional.empty();
    }
}
