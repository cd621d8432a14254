package io.cairn.server;

import io.cairn.memory.ProcessMemoryLimits;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-time check of max-memory and cache-size against what the process can hold (defect 6 of issue 10). */
class MemorySizingTest {
    private static final long MB = 1 << 20;
    private final ServerConfig base = ServerConfig.defaults(Path.of("/tmp/unused"));

    @Test
    void aBudgetAboveTheContainerLimitIsClampedWithAWarningThatSaysWhatFits() {
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 128 * MB, 320 * MB, 24L << 30);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(1024 * MB).withCacheSize(512 * MB), jvm, false);
        assertThat(r.config().maxMemoryBytes()).isEqualTo(320 * MB);
        // 320 MiB less 160 MiB for the JVM itself, less the 128 MiB heap: 32 MiB of native room, half for the cache.
        assertThat(r.config().cacheSizeBytes()).isEqualTo(16 * MB);
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.warnings().get(0)).contains("max-memory 1 GiB is more than this process can hold")
                .contains("container limit is 320.0 MiB").contains("using 320.0 MiB");
        assertThat(r.warnings().get(1)).contains("cache-size 512.0 MiB does not fit").contains("outside the heap")
                .contains("using 16.0 MiB");
    }

    @Test
    void outsideAContainerTheMachinesMemoryBoundsTheBudget() {
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 128 * MB, -1, 4096 * MB);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(8192 * MB), jvm, false);
        assertThat(r.config().maxMemoryBytes()).isEqualTo(4096 * MB);
        assertThat(r.warnings()).singleElement().asString().contains("the machine has 4 GiB");
    }

    @Test
    void aCacheOnTheHeapWouldBeBoundByHalfTheHeap() {
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 128 * MB, -1, 24L << 30);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(1024 * MB).withCacheSize(512 * MB), jvm, true);
        assertThat(r.config().maxMemoryBytes()).isEqualTo(1024 * MB);
        assertThat(r.config().cacheSizeBytes()).isEqualTo(64 * MB);
    }

    @Test
    void sizesThatFitAreLeftAloneWithoutAWord() {
        // -Xmx128m --max-memory 1g: 896 MiB of native room, 448 MiB for the off-heap cache.
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 128 * MB, -1, 24L << 30);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(1024 * MB).withCacheSize(448 * MB), jvm, false);
        assertThat(r.config()).isEqualTo(base.withMaxMemory(1024 * MB).withCacheSize(448 * MB));
        assertThat(r.warnings()).isEmpty();
    }
}
