package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.LiveSetEstimator.Kind;
import io.cairn.memory.LiveSetEstimator.Reading;
import io.cairn.memory.UsageModel.Inputs;
import io.cairn.memory.UsageModel.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Levels against the limit that binds (issue 10), with numbers. */
class BindingLimitsTest {
    private static final long MB = 1 << 20;

    private static Reading stw(long live) {
        return new Reading(live, live, 0, 0, Kind.STOP_THE_WORLD);
    }

    @Test
    void mappedViewsAreReportedButNeverCounted() {
        UsageModel model = new UsageModel(512 * MB, 256 * MB, 256 * MB, 0.95, 0.97);
        Usage u = model.compute(new Inputs(40 * MB, 256 * MB, stw(30 * MB), 0, 0, 600 * MB, 0, 0));
        assertThat(u.mapped()).isEqualTo(600 * MB);
        assertThat(u.used()).isEqualTo(30 * MB);
        assertThat(u.ratio()).isLessThan(0.2);
    }

    @Test
    void heapBytesAreMeasuredAgainstTheHeapNotALargerBudget() {
        UsageModel model = new UsageModel(1024 * MB, 128 * MB, 128 * MB, -1, 0.95, 0.85, 0.97);
        Usage u = model.compute(new Inputs(110 * MB, 128 * MB, stw(100 * MB), 0, 0, 0, 0, 0));
        assertThat(u.binding()).isEqualTo(BindingLimit.HEAP);
        assertThat(u.bindingUsed()).isEqualTo(100 * MB);
        assertThat(u.bindingLimitBytes()).isEqualTo(128 * MB);
        assertThat(u.ratio()).isGreaterThan(0.75);
    }

    @Test
    void nativeBytesAreMeasuredAgainstWhatIsLeftOutsideTheHeap() {
        // Budget 512, heap 256, container 320: native room is 320 - 256 = 64 MiB.
        UsageModel model = new UsageModel(512 * MB, 256 * MB, 256 * MB, 320 * MB, 0.95, 0.85, 0.97);
        Usage u = model.compute(new Inputs(20 * MB, 64 * MB, stw(10 * MB), 0, 10 * MB, 0, 0, 40 * MB));
        assertThat(u.binding()).isEqualTo(BindingLimit.NATIVE);
        assertThat(u.bindingLimitBytes()).isEqualTo(64 * MB);
        assertThat(u.ratio()).isEqualTo(50.0 / 64);
    }

    @Test
    void theKernelsFigureBindsInAContainer() {
        UsageModel model = new UsageModel(320 * MB, 256 * MB, 256 * MB, 320 * MB, 0.95, 0.85, 0.97);
        Usage u = model.compute(new Inputs(60 * MB, 250 * MB, stw(50 * MB), 0, 0, 0, 0, 0, 60 * MB,
                300 * MB, 320 * MB, BindingLimit.CONTAINER));
        assertThat(u.binding()).isEqualTo(BindingLimit.CONTAINER);
        assertThat(u.ratio()).isEqualTo(300.0 / 320);
        // At rest (a JVM's native memory and a committed heap), below HIGH less the hysteresis, it does not bind.
        Usage rest = model.compute(new Inputs(60 * MB, 250 * MB, stw(50 * MB), 0, 0, 0, 0, 0, 60 * MB,
                230 * MB, 320 * MB, BindingLimit.CONTAINER));
        assertThat(rest.binding()).isNotEqualTo(BindingLimit.CONTAINER);
        assertThat(rest.ratio()).isLessThan(0.6);
    }

    @Test
    void aHeapFullOfYoungGarbageIsNotTheFastPath() {
        UsageModel model = new UsageModel(256 * MB, 256 * MB, 256 * MB, -1, 0.95, 0.85, 0.97);
        // 250 MiB in use, but the old generation holds 100: eden is full of garbage.
        Usage young = model.compute(new Inputs(250 * MB, 256 * MB, stw(100 * MB), 0, 0, 0, 0, 0, 100 * MB, -1, -1, null));
        assertThat(young.fastPath()).isFalse();
        assertThat(young.binding()).isNotEqualTo(BindingLimit.HEAP_FAST_PATH);
        Usage old = model.compute(new Inputs(250 * MB, 256 * MB, stw(230 * MB), 0, 0, 0, 0, 0, 230 * MB, -1, -1, null));
        assertThat(old.fastPath()).isTrue();
    }

    @TempDir
    Path dir;

    @Test
    void aV1GroupsChargeIsAnonymousPlusShmemPlusKernelMemory() throws Exception {
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "335544320\n");
        Files.writeString(dir.resolve("memory.stat"), "cache 900000000\nrss 1\ntotal_cache 900000000\n"
                + "total_rss 200000000\ntotal_shmem 1000000\n");
        Files.writeString(dir.resolve("memory.kmem.usage_in_bytes"), "9000000\n");
        KernelMemory k = KernelMemory.of(new OsMemory.CgroupMemory(List.of(dir.resolve("memory.limit_in_bytes")), null),
                dir.resolve("no-status"));
        assertThat(k.inLimitedGroup()).isTrue();
        k.sample();
        assertThat(k.chargeBytes()).as("page cache left out").isEqualTo(210_000_000L);
        assertThat(k.limitBytes()).isEqualTo(335544320L);
    }

    @Test
    void aV2GroupsChargeIsAnonPlusShmemPlusKernel() throws Exception {
        Files.writeString(dir.resolve("memory.max"), "335544320\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 100000000\nfile 800000000\nkernel 5000000\nshmem 2000000\n");
        KernelMemory k = KernelMemory.of(new OsMemory.CgroupMemory(List.of(dir.resolve("memory.max")), null), null);
        k.sample();
        assertThat(k.chargeBytes()).isEqualTo(107_000_000L);
    }
}
