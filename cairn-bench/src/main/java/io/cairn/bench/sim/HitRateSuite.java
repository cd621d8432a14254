package io.cairn.bench.sim;

import io.cairn.bench.trace.Trace;
import io.cairn.bench.trace.TraceFormat;
import io.cairn.bench.trace.TraceNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every trace in a folder, each at the sizes its README's reference table lists. Traces the table
 * does not list run at 1 %, 5 %, 10 % and 25 % of their distinct keys, the range where policies
 * differ most (near 100 % every policy converges to the cold-miss bound).
 */
public final class HitRateSuite {
    private static final double[] DEFAULT_FRACTIONS = {0.01, 0.05, 0.10, 0.25};

    private HitRateSuite() {
    }

    /** A trace file found in the folder, with the format and sizes it will run at. */
    public record Entry(Path file, TraceFormat format, Optional<int[]> listedSizes) {
        public String name() {
            return TraceNames.traceName(file);
        }
    }

    /** The trace files in {@code dir} whose format is known from their name, sorted by name. */
    public static List<Entry> discover(Path dir, ReferenceTable reference) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                Optional<TraceFormat> fmt = TraceNames.formatOf(f);
                if (fmt.isPresent() && Files.isRegularFile(f)) {
                    Optional<int[]> sizes = reference.row(TraceNames.traceName(f)).map(ReferenceTable.Row::sizes);
                    out.add(new Entry(f, fmt.get(), sizes));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no trace files with a known naming (lirs_, address_, cache2k_, corda_, ...) in " + dir);
        }
        return out;
    }

    /** The sizes to run {@code trace} at: the listed ones, or fractions of its distinct keys. */
    public static List<Integer> sizesFor(Entry entry, Trace trace) {
        if (entry.listedSizes().isPresent()) {
            return java.util.Arrays.stream(entry.listedSizes().get()).boxed().toList();
        }
        int distinct = trace.distinctKeys();
        List<Integer> sizes = new ArrayList<>();
        for (double f : DEFAULT_FRACTIONS) {
            int s = roundNicely(Math.max(1, (int) Math.round(distinct * f)));
            if (!sizes.contains(s)) {
                sizes.add(s);
            }
        }
        return sizes;
    }

    /** Two significant digits, so that derived sizes read like chosen ones (1234 → 1200). */
    static int roundNicely(int n) {
        if (n < 100) {
            return n;
        }
        int scale = (int) Math.pow(10, (int) Math.log10(n) - 1);
        return Math.round((float) n / scale) * scale;
    }
}
