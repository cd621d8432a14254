package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.LiveSetEstimator.Kind;
import org.junit.jupiter.api.Test;

class LiveSetEstimatorTest {
    private static final long MB = 1 << 20;
    private static final long MS = 1_000_000L;

    @Test
    void nothingIsKnownBeforeTheFirstCollection() {
        LiveSetEstimator e = new LiveSetEstimator();
        assertThat(e.liveAtLastCollection(0)).isEqualTo(-1);
        assertThat(e.seenCollection()).isFalse();
        assertThat(e.read(10 * MB, 0).oldGrowth()).isZero();
    }

    @Test
    void stopTheWorldCollectionsAreTakenAsReported() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.STOP_THE_WORLD, 40 * MB, 30 * MB, 0, 0);
        e.onCollection(Kind.STOP_THE_WORLD, 20 * MB, 15 * MB, 0, MS);
        assertThat(e.liveAtLastCollection(2 * MS)).isEqualTo(20 * MB);
    }

    @Test
    void oldGenerationGrowthBetweenStopTheWorldCollectionsIsAdded() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.STOP_THE_WORLD, 40 * MB, 30 * MB, 0, 0);
        assertThat(e.read(38 * MB, MS).oldGrowth()).isEqualTo(8 * MB);
        assertThat(e.read(25 * MB, MS).oldGrowth()).isZero();
    }

    @Test
    void concurrentCyclesUseTheOldGenerationPlusTheSmallestRecentYoungPart() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.CONCURRENT, 90 * MB, 40 * MB, 100, 10 * MS);  // young 50: allocated during the cycle
        e.onCollection(Kind.CONCURRENT, 52 * MB, 42 * MB, 200, 20 * MS);  // young 10
        e.onCollection(Kind.CONCURRENT, 80 * MB, 44 * MB, 300, 30 * MS);  // young 36
        assertThat(e.liveAtLastCollection(40 * MS)).isEqualTo(44 * MB + 10 * MB);
        // Bytes landed after the cycle the young minimum came from may be in the young part it leaves out.
        assertThat(e.read(-1, 40 * MS).landedMark()).isEqualTo(200);
        // Old growth mid-cycle is promotion the young part already counts.
        assertThat(e.read(60 * MB, 40 * MS).oldGrowth()).isZero();
    }

    @Test
    void figuresOlderThanTheWindowLeaveTheMinimumButTheNewestAlwaysCounts() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.CONCURRENT, 45 * MB, 40 * MB, 0, 0);
        e.onCollection(Kind.CONCURRENT, 70 * MB, 40 * MB, 0, 900 * MS);
        assertThat(e.liveAtLastCollection(950 * MS)).isEqualTo(45 * MB);
        assertThat(e.liveAtLastCollection(1_500 * MS)).as("a quiet heap is read from its last cycle").isEqualTo(70 * MB);
        assertThat(e.liveAtLastCollection(60_000 * MS)).isEqualTo(70 * MB);
    }

    @Test
    void theWindowHoldsAtMostItsCapacityOfCycles() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.CONCURRENT, 41 * MB, 40 * MB, 0, 0);
        for (int i = 0; i < LiveSetEstimator.CONCURRENT_WINDOW; i++) {
            e.onCollection(Kind.CONCURRENT, 70 * MB, 40 * MB, 0, MS);
        }
        assertThat(e.liveAtLastCollection(2 * MS)).isEqualTo(70 * MB);
    }

    @Test
    void aQuietSeedKeepsTheFirstFullCyclesOfAColdStartFromReadingAsLive() {
        LiveSetEstimator e = new LiveSetEstimator(4 * MB, 0);
        e.onCollection(Kind.CONCURRENT, 96 * MB, 8 * MB, 0, 100 * MS);   // first cycle under an allocation stall
        assertThat(e.liveAtLastCollection(150 * MS)).isEqualTo(8 * MB + 4 * MB);
        assertThat(e.read(-1, 150 * MS).landedMark()).as("the seed predates every reservation").isZero();
        e.onCollection(Kind.CONCURRENT, 30 * MB, 10 * MB, 0, 1_200 * MS);
        assertThat(e.liveAtLastCollection(1_250 * MS)).as("the seed has aged out").isEqualTo(30 * MB);
    }
}
