package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsMemoryTest {
    @TempDir
    Path dir;

    @Test
    void cgroupV2LimitIsRead() throws IOException {
        Files.writeString(dir.resolve("memory.max"), "536870912\n");
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(536_870_912L);
    }

    @Test
    void cgroupV2MaxMeansNoLimitAndFallsBackToV1() throws IOException {
        Files.writeString(dir.resolve("memory.max"), "max\n");
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(-1);
        Files.createDirectories(dir.resolve("memory"));
        Files.writeString(dir.resolve("memory").resolve("memory.limit_in_bytes"), "268435456\n");
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(268_435_456L);
    }

    @Test
    void cgroupV1UnlimitedIsAHugeNumberAndMeansNone() throws IOException {
        Files.createDirectories(dir.resolve("memory"));
        Files.writeString(dir.resolve("memory").resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(-1);
    }

    @Test
    void missingOrGarbledFilesMeanUnknown() throws IOException {
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(-1);
        Files.writeString(dir.resolve("memory.max"), "lots\n");
        assertThat(OsMemory.containerLimitBytes(dir)).isEqualTo(-1);
        assertThat(OsMemory.rssBytes(dir.resolve("status"))).isEqualTo(-1);
    }

    @Test
    void rssIsReadInKibibytes() throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   123456 kB\nThreads:\t12\n");
        assertThat(OsMemory.rssBytes(status)).isEqualTo(123_456L * 1024);
    }

    @Test
    void theRealProcessHasAnRssOnLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc");
        long rss = OsMemory.processRssBytes();
        assertThat(rss).isGreaterThan(1L << 20);
    }
}
