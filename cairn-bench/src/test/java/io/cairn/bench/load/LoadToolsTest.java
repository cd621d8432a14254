package io.cairn.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoadToolsTest {
    @TempDir
    Path dir;

    @Test
    void gcLogPausesAndHeapAfter() {
        GcLog.Event young = GcLog.parse(
                "[12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->12M(128M) 3.456ms");
        assertThat(young).isNotNull();
        assertThat(young.isPause()).isTrue();
        assertThat(young.uptimeSeconds()).isEqualTo(12.345);
        assertThat(young.heapAfterBytes()).isEqualTo(12L << 20);
        assertThat(young.millis()).isEqualTo(3.456);

        GcLog.Event concurrent = GcLog.parse("[13.000s][info][gc] GC(8) Concurrent Mark Cycle 25.100ms");
        assertThat(concurrent).isNotNull();
        assertThat(concurrent.isPause()).isFalse();
        assertThat(concurrent.heapAfterBytes()).isEqualTo(-1);

        assertThat(GcLog.parse("[0.005s][info][gc] Using G1")).isNull();
    }

    @Test
    void procStatsOfThisProcess() {
        ProcStats s = ProcStats.of(ProcessHandle.current().pid());
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertThat(s.rssBytes()).isGreaterThan(1 << 20);
            assertThat(s.threads()).isPositive();
            assertThat(s.openFds()).isPositive();
        } else {
            assertThat(s.rssBytes()).isEqualTo(-1);
        }
        assertThat(ProcStats.kib("VmRSS:\t  123456 kB")).isEqualTo(123456);
    }

    @Test
    void nearestRankPercentiles() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i;
        }
        Percentiles p = Percentiles.of(v);
        assertThat(p.p50()).isEqualTo(50);
        assertThat(p.p95()).isEqualTo(95);
        assertThat(p.p99()).isEqualTo(99);
        assertThat(p.max()).isEqualTo(100);
        assertThat(Percentiles.of(new double[0]).count()).isZero();
    }

    @Test
    void levelIsFoundByNameOrNumberAtAnyDepth() throws IOException {
        ObjectMapper m = new ObjectMapper();
        assertThat(CairnClient.level(m.readTree("{\"status\":\"ok\",\"degradationLevel\":3}"))).hasValue(3);
        assertThat(CairnClient.level(m.readTree("{\"memory\":{\"level\":\"CRITICAL\"}}"))).hasValue(4);
        assertThat(CairnClient.level(m.readTree("{\"status\":\"ok\"}"))).isEmpty();
        assertThat(CairnClient.cacheBytes(null, m.readTree("{\"consumers\":{\"blocks\":10,\"has\":5}}")))
                .isEqualTo(15);
        assertThat(CairnClient.cacheBytes(m.readTree("{\"store\":{\"cachedBytes\":42}}"), null)).isEqualTo(42);
        assertThat(CairnClient.cacheBytes(m.readTree("{}"), m.readTree("{}"))).isEqualTo(-1);
    }

    @Test
    void timelineCsvAndGrowth() throws IOException {
        Timeline t = new Timeline(List.of("rss_mb", "threads", "open_fds", "live_after_gc_mb"));
        for (int s = 0; s <= 10; s++) {
            t.add(s, 100 + s, 20, 30, 5);
        }
        Path csv = dir.resolve("t.csv");
        t.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("seconds,rss_mb,threads,open_fds,live_after_gc_mb");
        assertThat(lines).hasSize(12);
        assertThat(lines.get(3)).isEqualTo("2,102,20,30,5");
        // warm-up ends at 4 s: mean(104,105,106) -> mean(108,109,110) = +4
        assertThat(SoakRun.growth(t, "rss_mb", 4)).isEqualTo(4.0);
        assertThat(SoakRun.growth(t, "threads", 4)).isZero();
        t.writePng(dir.resolve("t.png"), List.of(new Timeline.PanelSpec("x", "y", List.of("rss_mb"))));
        assertThat(dir.resolve("t.png")).isNotEmptyFile();
    }
}
