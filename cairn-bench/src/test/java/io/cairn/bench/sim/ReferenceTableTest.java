package io.cairn.bench.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceTableTest {
    @TempDir
    Path dir;

    @Test
    void readsSizesAndPerPolicyColumns() throws IOException {
        Path md = dir.resolve("README.md");
        Files.writeString(md, """
                | file | format |
                |---|---|
                | a | b l|s c |

                | trace | entries | LRU | OPT |
                |---|---|---|---|
                | t_one | 10 / 20 | 1.5 / 2.5 | 3.0 / 4.0 |
                | t_two | 7 | 0.0 | 9.9 |
                """);
        ReferenceTable t = ReferenceTable.parse(md);
        assertThat(t.rows()).hasSize(2);
        assertThat(t.row("t_one").orElseThrow().sizes()).containsExactly(10, 20);
        assertThat(t.row("t_one").orElseThrow().policy("opt").orElseThrow()).containsExactly(3.0, 4.0);
        assertThat(t.row("t_two").orElseThrow().policy("LRU").orElseThrow()).containsExactly(0.0);
        assertThat(t.row("t_three")).isEmpty();
    }

    @Test
    void aRaggedRowIsReportedWithItsLine() throws IOException {
        Path md = dir.resolve("README.md");
        Files.writeString(md, "| trace | entries | LRU |\n|---|---|---|\n| t | 1 / 2 | 5.0 |\n");
        assertThatThrownBy(() -> ReferenceTable.parse(md)).hasMessageContaining("line 3")
                .hasMessageContaining("1 values for 2 sizes");
    }

    @Test
    void suiteSizesRoundToTwoDigits() {
        assertThat(HitRateSuite.roundNicely(1234)).isEqualTo(1200);
        assertThat(HitRateSuite.roundNicely(87)).isEqualTo(87);
        assertThat(HitRateSuite.roundNicely(15_678)).isEqualTo(16_000);
    }
}
