package io.cairn.bench.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The reference hit ratios published beside the traces (traces/README.md): a Markdown table with
 * columns {@code trace | entries | POLICY | POLICY ...}, where each cell lists one value per size
 * separated by {@code /}. Parsed rather than copied so that the sizes the suite runs and the
 * numbers the tests check against always come from the one published source.
 */
public record ReferenceTable(List<Row> rows) {

    /**
     * One trace's row.
     *
     * @param trace    trace name as in the table (e.g. {@code lirs_sprite})
     * @param sizes    cache sizes in entries
     * @param percents hit % per lower-cased policy column name ({@code lru}, {@code arc},
     *                 {@code caffeine}, {@code opt}), one value per size
     */
    public record Row(String trace, int[] sizes, Map<String, double[]> percents) {
        public Optional<double[]> policy(String name) {
            return Optional.ofNullable(percents.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    public Optional<Row> row(String trace) {
        return rows.stream().filter(r -> r.trace().equals(trace)).findFirst();
    }

    public static ReferenceTable parse(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        List<String> header = null;
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln).strip();
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                if (cells.size() >= 3 && cells.get(0).equalsIgnoreCase("trace")
                        && cells.get(1).equalsIgnoreCase("entries")) {
                    header = cells;
                }
                continue;
            }
            if (cells.get(0).startsWith("---")) {
                continue;
            }
            try {
                rows.add(parseRow(header, cells));
            } catch (RuntimeException e) {
                throw new IOException(readme + " line " + (ln + 1) + ": cannot read reference row '" + line
                        + "': " + e.getMessage(), e);
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(readme + ": no reference table (| trace | entries | ... |) found");
        }
        return new ReferenceTable(List.copyOf(rows));
    }

    private static Row parseRow(List<String> header, List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException(cells.size() + " cells, header has " + header.size());
        }
        int[] sizes = Arrays.stream(cells.get(1).split("/")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        Map<String, double[]> percents = new LinkedHashMap<>();
        for (int c = 2; c < cells.size(); c++) {
            double[] v = Arrays.stream(cells.get(c).split("/")).map(String::strip).mapToDouble(Double::parseDouble).toArray();
            if (v.length != sizes.length) {
                throw new IllegalArgumentException("column " + header.get(c) + " has " + v.length
                        + " values for " + sizes.length + " sizes");
            }
            percents.put(header.get(c).toLowerCase(Locale.ROOT), v);
        }
        return new Row(cells.get(0), sizes, percents);
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") && line.length() > 1 ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            out.add(c.strip());
        }
        return out;
    }
}
