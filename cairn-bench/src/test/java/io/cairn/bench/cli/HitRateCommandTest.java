package io.cairn.bench.cli;

import io.cairn.bench.BenchMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class HitRateCommandTest {
    @TempDir
    Path dir;

    @Test
    void replaysATraceAndWritesCsvAndChart() throws IOException {
        Path trace = dir.resolve("tiny.trace.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(trace))) {
            // 1 2 3 1 2 3 ...: a cyclic scan of 3 keys
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                sb.append(i % 3 + 1).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        Path csv = dir.resolve("out.csv");
        Path png = dir.resolve("out.png");
        int exit = BenchMain.run("hitrate", "--trace", trace.toString(), "--format", "lirs", "--sizes", "2,3",
                "--policies", "lhm-lru,opt,lru", "--csv", csv.toString(), "--chart", png.toString());
        assertThat(exit).isZero();
        List<String> lines = Files.readAllLines(csv);
        // LRU thrashes on a cycle longer than the cache; OPT keeps one key and hits every other
        // pass of it; at 3 entries everything but the 3 cold misses hits
        assertThat(lines).containsExactly(
                "trace,size,policy,hit_percent",
                "tiny,2,lhm-lru,0.00",
                "tiny,2,opt,46.67",
                "tiny,2,lru,0.00",
                "tiny,3,lhm-lru,90.00",
                "tiny,3,opt,90.00",
                "tiny,3,lru,90.00");
        assertThat(png).isNotEmptyFile();
    }

    @Test
    void sieveAndS3FifoRunThroughTheEngine() throws IOException {
        // a cache of 2 cycling over 3 keys: SIEVE's hand evicts the key that comes next, as LRU
        // does (every access misses); S3-FIFO re-admits ghosts to its main queue, which then keeps
        // one key across the cycle most of the time (43.33 %, near OPT's 46.67 %); 3 hold everything
        Path trace = dir.resolve("cycle.trace");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append(i % 3 + 1).append('\n');
        }
        Files.writeString(trace, sb.toString());
        Path csv = dir.resolve("fifo.csv");
        assertThat(BenchMain.run("hitrate", "--trace", trace.toString(), "--format", "lirs", "--sizes", "2,3",
                "--policies", "sieve,s3fifo", "--csv", csv.toString())).isZero();
        assertThat(Files.readAllLines(csv)).containsExactly(
                "trace,size,policy,hit_percent",
                "cycle,2,sieve,0.00",
                "cycle,2,s3fifo,43.33",
                "cycle,3,sieve,90.00",
                "cycle,3,s3fifo,90.00");
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        assertThat(BenchMain.run("hitrate", "--trace", dir.resolve("missing").toString(), "--sizes", "5")).isEqualTo(2);
        assertThat(BenchMain.run("hitrate", "--trace", "x", "--sizes", "5", "--policies", "fifo")).isEqualTo(2);
    }
}
