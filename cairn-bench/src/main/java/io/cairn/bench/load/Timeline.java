package io.cairn.bench.load;

import io.cairn.bench.chart.Charts;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of numbers sampled over time, each with its time in seconds since the start; written as CSV
 * and drawn as stacked PNG panels. Thread-safe for one writer and readers after it finished.
 */
public final class Timeline {
    private final List<String> columns;
    private final List<double[]> rows = new ArrayList<>();

    public Timeline(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    public synchronized void add(double seconds, double... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        double[] row = new double[values.length + 1];
        row[0] = seconds;
        System.arraycopy(values, 0, row, 1, values.length);
        rows.add(row);
    }

    public synchronized List<double[]> rows() {
        return List.copyOf(rows);
    }

    public synchronized double[] column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + columns);
        }
        return rows.stream().mapToDouble(r -> r[c + 1]).toArray();
    }

    public synchronized double[] seconds() {
        return rows.stream().mapToDouble(r -> r[0]).toArray();
    }

    public synchronized void writeCsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("seconds," + String.join(",", columns) + "\n");
            for (double[] r : rows) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    double v = r[i];
                    sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                            : String.format(Locale.ROOT, "%.3f", v));
                }
                w.write(sb.append('\n').toString());
            }
        }
    }

    /** Draws panels; each panel is a title, a y label and the column names it plots. */
    public void writePng(Path file, List<PanelSpec> panels) throws IOException {
        List<Charts.Panel> out = new ArrayList<>();
        for (PanelSpec p : panels) {
            Map<String, double[]> series = new LinkedHashMap<>();
            for (String c : p.columns()) {
                series.put(c, column(c));
            }
            out.add(new Charts.Panel(p.title(), p.yTitle(), series));
        }
        if (rows().size() < 2) {
            throw new IOException("timeline has fewer than 2 samples; nothing to draw into " + file);
        }
        Charts.timeline(file, seconds(), out);
    }

    /** Which columns one panel plots. */
    public record PanelSpec(String title, String yTitle, List<String> columns) {
    }
}
