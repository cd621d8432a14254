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
    void aBudgetAboveHeapPlusDirectIsClampedWithAWarningThatSaysWhatFits() {
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 128 * MB, -1);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(1024 * MB).withCacheSize(512 * MB), jvm, true);
        assertThat(r.config().maxMemoryBytes()).isEqualTo(256 * MB);
        assertThat(r.config().cacheSizeBytes()).as("half the heap, where the cache lives").isEqualTo(64 * MB);
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.warnings().get(0)).contains("max-memory 1 GiB is more than this process can hold")
                .contains("heap max 128.0 MiB").contains("using 256.0 MiB").contains("-Xmx");
        assertThat(r.warnings().get(1)).contains("cache-size 512.0 MiB does not fit").contains("using 64.0 MiB");
    }

    @Test
    void anOffHeapCacheIsCheckedAgainstWhatTheBudgetOrContainerLeavesOutsideTheHeap() {
        // 320 MiB container, 128 MiB heap: 320 - 160 (JVM headroom) - 128 = 32 MiB of native room.
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(128 * MB, 256 * MB, 320 * MB);
        MemorySizing.Result r = MemorySizing.fit(base.withCacheSize(256 * MB), jvm, false);
        assertThat(r.config().cacheSizeBytes()).isEqualTo(32 * MB);
        assertThat(r.warnings()).singleElement().asString().contains("outside the heap").contains("container limit");
    }

    @Test
    void sizesThatFitAreLeftAloneWithoutAWord() {
        ProcessMemoryLimits jvm = new ProcessMemoryLimits(512 * MB, 512 * MB, -1);
        MemorySizing.Result r = MemorySizing.fit(base.withMaxMemory(768 * MB).withCacheSize(64 * MB), jvm, true);
        assertThat(r.config()).isEqualTo(base.withMaxMemory(768 * MB).withCacheSize(64 * MB));
        assertThat(r.warnings()).isEmpty();
    }
}
