package io.cairn.bench.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Writes hit-rate results as a console table, CSV ({@code trace,size,policy,hit_percent}) or Markdown. */
public final class HitRateReport {
    private HitRateReport() {
    }

    public static void printRow(PrintStream out, HitRate r) {
        out.printf(Locale.ROOT, "%-24s %8d  %-9s %7.2f %%   (%,d of %,d; %.1f s)%n", r.trace(), r.size(), r.policy(),
                r.hitPercent(), r.hits(), r.events(), r.nanos() / 1e9);
    }

    public static void writeCsv(Path file, List<HitRate> results) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("trace,size,policy,hit_percent\n");
            for (HitRate r : results) {
                w.write(String.format(Locale.ROOT, "%s,%d,%s,%.2f%n", r.trace(), r.size(), r.policy(), r.hitPercent()));
            }
        }
    }

    /**
     * A Markdown table with one row per (trace, size) and one column per policy, the best online
     * policy's value (everything but {@code opt}) in bold.
     */
    public static String markdown(List<HitRate> results) {
        Set<String> policies = new LinkedHashSet<>();
        Map<String, Map<Integer, Map<String, Double>>> byTrace = new LinkedHashMap<>();
        for (HitRate r : results) {
            policies.add(r.policy());
            byTrace.computeIfAbsent(r.trace(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(r.size(), s -> new LinkedHashMap<>())
                    .put(r.policy(), r.hitPercent());
        }
        StringBuilder sb = new StringBuilder("| trace | entries |");
        List<String> cols = new ArrayList<>(policies);
        cols.forEach(p -> sb.append(' ').append(p).append(" |"));
        sb.append("\n|---|---:|");
        cols.forEach(p -> sb.append("---:|"));
        sb.append('\n');
        byTrace.forEach((trace, bySize) -> {
            for (int size : new TreeSet<>(bySize.keySet())) {
                Map<String, Double> v = bySize.get(size);
                double best = v.entrySet().stream().filter(e -> !e.getKey().equals("opt"))
                        .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
                sb.append("| ").append(trace).append(" | ").append(size).append(" |");
                for (String p : cols) {
                    Double x = v.get(p);
                    if (x == null) {
                        sb.append(" – |");
                    } else {
                        String s = String.format(Locale.ROOT, "%.1f", x);
                        boolean bold = !p.equals("opt") && String.format(Locale.ROOT, "%.1f", best).equals(s);
                        sb.append(' ').append(bold ? "**" + s + "**" : s).append(" |");
                    }
                }
                sb.append('\n');
            }
        });
        return sb.toString();
    }
}
