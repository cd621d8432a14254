package io.cairn.cid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of the multiformats/multibase spec's test CSVs for a base Cairn supports. */
class MultibaseVectorTest {
    /** Bases in the spec's vectors that Cairn deliberately does not implement. */
    private static final Set<String> UNSUPPORTED = Set.of("base256emoji", "base45", "proquint");

    record Row(String base, String text) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic.csv", "leading_zero.csv", "two_leading_zeros.csv"})
    void encodesAndDecodesEveryRow(String file) {
        List<String> lines = Vectors.lines("multibase/" + file);
        byte[] input = unescape(rows(lines.subList(0, 1)).getFirst().text());
        List<Row> rows = rows(lines.subList(1, lines.size()));
        int checked = 0;
        for (Row row : rows) {
            if (UNSUPPORTED.contains(row.base())) {
                continue;
            }
            Multibase base = Multibase.byName(row.base());
            assertThat(base.encode(input)).as("%s %s", file, row.base()).isEqualTo(row.text());
            assertThat(Multibase.decode(row.text())).as("%s %s", file, row.base()).isEqualTo(input);
            assertThat(base.decodeRaw(row.text().substring(1))).isEqualTo(input);
            assertThat(Multibase.forPrefix(row.text().charAt(0))).isEqualTo(base);
            checked++;
        }
        assertThat(checked).as("supported rows in %s", file).isGreaterThanOrEqualTo(21);
    }

    @ParameterizedTest
    @ValueSource(strings = {"case_insensitivity.csv"})
    void decodesMixedCaseWhereTheSpecAllows(String file) {
        List<String> lines = Vectors.lines("multibase/" + file);
        byte[] input = unescape(rows(lines.subList(0, 1)).getFirst().text());
        List<Row> rows = rows(lines.subList(1, lines.size()));
        for (Row row : rows) {
            assertThat(Multibase.decode(row.text())).as(row.base()).isEqualTo(input);
        }
        assertThat(rows).hasSizeGreaterThanOrEqualTo(12);
    }

    @org.junit.jupiter.api.Test
    void prefixTableAgreesWithTheSpec() {
        List<String> lines = Vectors.lines("multibase/multibase.csv");
        int matched = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            String name = cols[2].trim();
            String ch = cols[1].trim();
            if (name.equals("none") || UNSUPPORTED.contains(name)) {
                continue;
            }
            Multibase base;
            try {
                base = Multibase.byName(name);
            } catch (InvalidCidException e) {
                continue; // a base Cairn does not implement
            }
            assertThat(String.valueOf(base.prefix())).as(name).isEqualTo(ch);
            matched++;
        }
        assertThat(matched).isEqualTo(Multibase.values().length);
    }

    private static List<Row> rows(List<String> lines) {
        List<Row> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int comma = line.indexOf(',');
            String text = line.substring(comma + 1).trim();
            assertThat(text).startsWith("\"").endsWith("\"");
            out.add(new Row(line.substring(0, comma).trim(), text.substring(1, text.length() - 1)));
        }
        return out;
    }

    /** The CSVs write a zero byte as {@code \x00}; everything else is UTF-8 text. */
    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\\x", i)) {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 4;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }
}
