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

    /**
     * Per policy over every (trace, size) row: the mean hit %, the mean gap to {@code opt} (when
     * it ran) and on how many rows the policy was best or tied for best among the online ones.
     */
    public static String summary(List<HitRate> results) {
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        Set<String> policies = new LinkedHashSet<>();
        for (HitRate r : results) {
            rows.computeIfAbsent(r.trace() + "@" + r.size(), k -> new LinkedHashMap<>()).put(r.policy(), r.hitPercent());
            policies.add(r.policy());
        }
        StringBuilder sb = new StringBuilder("| policy | mean hit % | mean gap to OPT (points) | rows best (of "
                + rows.size() + ") |\n|---|---:|---:|---:|\n");
        for (String p : policies) {
            double sum = 0;
            double gap = 0;
            int n = 0;
            int gapN = 0;
            int best = 0;
            for (Map<String, Double> row : rows.values()) {
                Double v = row.get(p);
                if (v == null) {
                    continue;
                }
                sum += v;
                n++;
                if (row.containsKey("opt")) {
                    gap += row.get("opt") - v;
                    gapN++;
                }
                double max = row.entrySet().stream().filter(e -> !e.getKey().equals("opt"))
                        .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
                if (!p.equals("opt") && Math.abs(v - max) < 0.05) {
                    best++;
                }
            }
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s |%n", p, sum / n,
                    p.equals("opt") || gapN == 0 ? "–" : String.format(Locale.ROOT, "%.2f", gap / gapN),
                    p.equals("opt") ? "–" : Integer.toString(best)));
        }
        return sb.toString();
    }

    /**
     * Our numbers beside the published reference (traces/README.md) for every reference cell whose
     * policy we ran: LRU against {@code lru} (the engine) and {@code lhm-lru}, ARC against
     * {@code arc}, Caffeine against {@code caffeine}, OPT against {@code opt}.
     */
    public static String versusReference(List<HitRate> results, ReferenceTable reference) {
        Map<String, String[]> mapping = new LinkedHashMap<>();
        mapping.put("lru", new String[] {"lru", "lhm-lru"});
        mapping.put("arc", new String[] {"arc"});
        mapping.put("caffeine", new String[] {"caffeine"});
        mapping.put("opt", new String[] {"opt"});
        Map<String, Double> ours = new LinkedHashMap<>();
        for (HitRate r : results) {
            ours.put(r.trace() + "@" + r.size() + "@" + r.policy(), r.hitPercent());
        }
        StringBuilder sb = new StringBuilder("| trace | entries | policy | reference | measured | difference |\n"
                + "|---|---:|---|---:|---:|---:|\n");
        for (ReferenceTable.Row row : reference.rows()) {
            for (Map.Entry<String, String[]> m : mapping.entrySet()) {
                double[] ref = row.policy(m.getKey()).orElse(null);
                if (ref == null) {
                    continue;
                }
                for (int i = 0; i < row.sizes().length; i++) {
                    for (String policy : m.getValue()) {
                        Double v = ours.get(row.trace() + "@" + row.sizes()[i] + "@" + policy);
                        if (v != null) {
                            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.2f | %+.2f |%n", row.trace(),
                                    row.sizes()[i], policy, ref[i], v, v - ref[i]));
                        }
                    }
                }
            }
        }
        return sb.toString();
    }
}
