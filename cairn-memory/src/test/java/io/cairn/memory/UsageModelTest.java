package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.LiveSetEstimator.Kind;
import io.cairn.memory.LiveSetEstimator.Reading;
import io.cairn.memory.UsageModel.Inputs;
import io.cairn.memory.UsageModel.Usage;
import org.junit.jupiter.api.Test;

class UsageModelTest {
    private static final long MB = 1 << 20;
    // Heap 100 MB, direct 100 MB, budget 200 MB: the default derivation without a container.
    private final UsageModel model = new UsageModel(200 * MB, 100 * MB, 100 * MB, 0.95, 0.97);

    private static Reading stw(long live) {
        return new Reading(live, live, 0, 0, Kind.STOP_THE_WORLD);
    }

    private Usage compute(long heapUsed, Reading r, long landed, long direct, long reserved, long offHeap) {
        return model.compute(new Inputs(heapUsed, 2 * heapUsed, r, landed, direct, 0, reserved, offHeap));
    }

    @Test
    void garbageAboveTheLiveSetIsNotUsage() {
        Usage u = compute(70 * MB, stw(20 * MB), 0, 0, 0, 0);
        assertThat(u.live()).isEqualTo(20 * MB);
        assertThat(u.used()).isEqualTo(20 * MB);
        assertThat(u.ratio()).isEqualTo(0.20);
        assertThat(u.binding()).isEqualTo(BindingLimit.HEAP);
    }

    @Test
    void theHeapBindsBeforeTheBudgetWhenItIsFull() {
        Usage u = compute(92 * MB, stw(90 * MB), 0, 0, 0, 0);
        assertThat((double) u.used() / (200 * MB)).isEqualTo(0.45);
        assertThat(u.ratio()).as("90 %% of the heap, not 45 %% of the budget").isEqualTo(0.90);
        assertThat(u.binding()).isEqualTo(BindingLimit.HEAP);
    }

    @Test
    void offHeapConsumersAndDirectBuffersBindTheBudget() {
        Usage u = compute(30 * MB, stw(30 * MB), 0, 40 * MB, 0, 100 * MB);
        assertThat(u.used()).isEqualTo(170 * MB);
        // 140 MB of native memory where the budget leaves 100 MB outside the heap: native binds.
        assertThat(u.ratio()).isEqualTo(1.40);
        assertThat(u.binding()).isEqualTo(BindingLimit.NATIVE);
        Usage small = compute(30 * MB, stw(30 * MB), 0, 10 * MB, 0, 10 * MB);
        assertThat(small.ratio()).isEqualTo(0.30);
        assertThat(small.binding()).isEqualTo(BindingLimit.HEAP);
    }

    @Test
    void directMemoryBindsAgainstItsOwnLimit() {
        Usage u = compute(10 * MB, stw(10 * MB), 0, 96 * MB, 0, 0);
        assertThat(u.ratio()).isEqualTo(0.96);
        assertThat(u.binding()).isEqualTo(BindingLimit.DIRECT);
    }

    @Test
    void reservationsCountAgainstTheHeapAndTheBudget() {
        Usage u = compute(30 * MB, stw(30 * MB), 0, 0, 50 * MB, 0);
        assertThat(u.used()).isEqualTo(80 * MB);
        assertThat(u.ratio()).isEqualTo(0.80);
    }

    @Test
    void landedBytesCountUntilACollectionSeesThemButNeverBeyondHeapGrowth() {
        Usage u = compute(35 * MB, stw(20 * MB), 10 * MB, 0, 0, 0);
        assertThat(u.live()).isEqualTo(30 * MB);
        Usage capped = compute(25 * MB, stw(20 * MB), 10 * MB, 0, 0, 0);
        assertThat(capped.live()).as("the heap grew only 5 MB since the collection").isEqualTo(25 * MB);
        Usage marked = compute(35 * MB, new Reading(20 * MB, 20 * MB, 0, 8 * MB, Kind.STOP_THE_WORLD), 10 * MB, 0, 0, 0);
        assertThat(marked.live()).as("8 MB of them were in the collection's figure").isEqualTo(22 * MB);
    }

    @Test
    void beforeAnyCollectionEverythingInTheHeapMayBeLive() {
        Usage u = compute(12 * MB, new Reading(-1, 0, 0, 0, Kind.STOP_THE_WORLD), 3 * MB, 0, 0, 0);
        assertThat(u.live()).isEqualTo(12 * MB);
        assertThat(u.landedCounted()).isEqualTo(3 * MB);
    }

    @Test
    void aNearlyFullHeapIsCriticalUnderStopTheWorldCollectorsOnly() {
        Usage stwFull = compute(98 * MB, stw(40 * MB), 0, 0, 0, 0);
        assertThat(stwFull.fastPath()).isTrue();
        assertThat(stwFull.ratio()).isEqualTo(0.95);
        assertThat(stwFull.binding()).isEqualTo(BindingLimit.HEAP_FAST_PATH);

        Usage concurrentFull = compute(98 * MB, new Reading(40 * MB, 90 * MB, 0, 0, Kind.CONCURRENT), 0, 0, 0, 0);
        assertThat(concurrentFull.fastPath()).isFalse();
        assertThat(concurrentFull.ratio()).isEqualTo(0.40);
    }

    @Test
    void reservationChecksAddWhatLandedSinceTheSnapshot() {
        Usage u = compute(35 * MB, stw(20 * MB), 10 * MB, 5 * MB, 0, 0);
        assertThat(u.landedCounted()).isEqualTo(10 * MB);
        // 4 MB more landed after the snapshot, 2 MB held now.
        long heap = model.heapInUse(u, 14 * MB, 2 * MB);
        assertThat(heap).isEqualTo(30 * MB + 4 * MB + 2 * MB);
        assertThat(model.totalInUse(u, heap)).isEqualTo(heap + 5 * MB);
        assertThat(model.ratio(heap, model.totalInUse(u, heap))).isEqualTo(0.36);
    }
}
