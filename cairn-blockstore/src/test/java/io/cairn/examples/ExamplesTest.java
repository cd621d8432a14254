package io.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cid.Cid;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples, run as they are written. */
class ExamplesTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    @Test
    void basicUsage(@TempDir Path repo) {
        Cid cid = BasicUsageExample.run(repo, out);
        assertThat(cid).hasToString("bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4");
        assertThat(repo.resolve("blocks/MT/CIQCYXLKMHQQOJGM4E64L5OV5YUSTSGJBUJYF6PBFWVCGOI5EVZGMTY.data")).exists();
        assertThat(buffer.toString(StandardCharsets.UTF_8))
                .contains("has QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk: true")
                .contains("read back: Hello Mars!");
    }

    @Test
    void monitorConfiguration() {
        MemoryStats s = MonitorConfigurationExample.run(out);
        assertThat(s.budgetBytes()).isEqualTo(512L << 20);
        assertThat(s.heapMax()).isPositive();
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("bytes used");
    }

    @Test
    void gracefulDegradation() throws Exception {
        GracefulDegradationExample.Outcome o = GracefulDegradationExample.run(out);
        String log = buffer.toString(StandardCharsets.UTF_8);
        assertThat(o.levels()).as("levels seen; log:%n%s", log).contains(PressureLevel.CRITICAL);
        assertThat(o.refusedWrites()).as(log).isEqualTo(1);
        assertThat(o.readsServedAtCritical()).isTrue();
        assertThat(o.finalLevel()).as(log).isZero();
    }
}
