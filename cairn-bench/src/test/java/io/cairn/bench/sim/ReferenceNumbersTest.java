package io.cairn.bench.sim;

import io.cairn.bench.trace.Trace;
import io.cairn.bench.trace.TraceFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The simulator against numbers measured by others (traces/README.md): the LinkedHashMap LRU and
 * Belady's OPT must reproduce the published LRU and OPT columns to 0.1 point. The traces are part
 * of the repository, so a missing file fails the test instead of skipping it.
 */
class ReferenceNumbersTest {
    private static final Path TRACES = Path.of("..", "traces");

    @ParameterizedTest
    @ValueSource(strings = {"lirs_loop.trace.gz", "lirs_sprite.trace.gz", "lirs_ps.trace.gz", "lirs_cs.trace.gz"})
    void lruOracleAndOptReproduceTheReferenceTable(String file) throws IOException {
        Path readme = TRACES.resolve("README.md");
        Path tracePath = TRACES.resolve(file);
        assertThat(readme).as("reference table").isRegularFile();
        assertThat(tracePath).as("trace file").isRegularFile();
        assertThat(Files.size(tracePath)).isPositive();

        Trace trace = Trace.load(tracePath, TraceFormat.LIRS);
        ReferenceTable.Row row = ReferenceTable.parse(readme).row(trace.name()).orElseThrow(
                () -> new AssertionError("no reference row for " + trace.name()));
        double[] lru = row.policy("lru").orElseThrow();
        double[] opt = row.policy("opt").orElseThrow();
        for (int i = 0; i < row.sizes().length; i++) {
            int size = row.sizes()[i];
            double lruPercent = 100.0 * Policies.byName("lhm-lru").countHits(trace.keys(), size) / trace.length();
            double optPercent = 100.0 * Policies.byName("opt").countHits(trace.keys(), size) / trace.length();
            assertThat(lruPercent).as("LRU at %d", size).isCloseTo(lru[i], within(0.1 + 1e-9));
            assertThat(optPercent).as("OPT at %d", size).isCloseTo(opt[i], within(0.1 + 1e-9));
        }
    }

    /** The engine's LRU, replayed through its adapter, is exactly the textbook LRU. */
    @ParameterizedTest
    @ValueSource(ints = {100, 500, 1000})
    void enginesLruHitsExactlyWhereTheOracleDoes(int size) throws IOException {
        Path tracePath = TRACES.resolve("lirs_sprite.trace.gz");
        assertThat(tracePath).as("trace file").isRegularFile();
        Trace trace = Trace.load(tracePath, TraceFormat.LIRS);
        assertThat(Policies.byName("lru").countHits(trace.keys(), size))
                .isEqualTo(Policies.byName("lhm-lru").countHits(trace.keys(), size));
    }
}
