package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.LiveSetEstimator.Kind;
import org.junit.jupiter.api.Test;

class LiveSetEstimatorTest {
    private static final long MB = 1 << 20;

    @Test
    void nothingIsKnownBeforeTheFirstCollection() {
        LiveSetEstimator e = new LiveSetEstimator();
        assertThat(e.liveAtLastCollection()).isEqualTo(-1);
        assertThat(e.seenCollection()).isFalse();
        assertThat(e.read(10 * MB).oldGrowth()).isZero();
    }

    @Test
    void stopTheWorldCollectionsAreTakenAsReported() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.STOP_THE_WORLD, 40 * MB, 30 * MB, 0);
        e.onCollection(Kind.STOP_THE_WORLD, 20 * MB, 15 * MB, 0);
        assertThat(e.liveAtLastCollection()).isEqualTo(20 * MB);
    }

    @Test
    void oldGenerationGrowthBetweenStopTheWorldCollectionsIsAdded() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.STOP_THE_WORLD, 40 * MB, 30 * MB, 0);
        assertThat(e.read(38 * MB).oldGrowth()).isEqualTo(8 * MB);
        assertThat(e.read(25 * MB).oldGrowth()).isZero();
    }

    @Test
    void concurrentCyclesUseTheOldGenerationPlusTheSmallestYoungPart() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.CONCURRENT, 90 * MB, 40 * MB, 100);  // young 50: allocated during the cycle
        e.onCollection(Kind.CONCURRENT, 52 * MB, 42 * MB, 200);  // young 10
        e.onCollection(Kind.CONCURRENT, 80 * MB, 44 * MB, 300);  // young 36
        assertThat(e.liveAtLastCollection()).isEqualTo(44 * MB + 10 * MB);
        // Bytes landed after the cycle the young minimum came from may be in the young part it leaves out.
        assertThat(e.read(-1).landedMark()).isEqualTo(200);
        // Old growth mid-cycle is promotion the young part already counts.
        assertThat(e.read(60 * MB).oldGrowth()).isZero();
    }

    @Test
    void theYoungWindowForgetsOldCycles() {
        LiveSetEstimator e = new LiveSetEstimator();
        e.onCollection(Kind.CONCURRENT, 41 * MB, 40 * MB, 0);
        for (int i = 0; i < LiveSetEstimator.CONCURRENT_WINDOW; i++) {
            e.onCollection(Kind.CONCURRENT, 70 * MB, 40 * MB, 0);
        }
        assertThat(e.liveAtLastCollection()).isEqualTo(70 * MB);
    }

    @Test
    void aQuietSeedKeepsTheFirstFullCyclesOfAColdStartFromReadingAsLive() {
        LiveSetEstimator e = new LiveSetEstimator(4 * MB);
        e.onCollection(Kind.CONCURRENT, 96 * MB, 8 * MB, 0);   // first cycle under an allocation stall
        assertThat(e.liveAtLastCollection()).isEqualTo(8 * MB + 4 * MB);
        for (int i = 0; i < LiveSetEstimator.CONCURRENT_WINDOW; i++) {
            e.onCollection(Kind.CONCURRENT, 30 * MB, 10 * MB, 0);
        }
        assertThat(e.liveAtLastCollection()).as("the seed has aged out").isEqualTo(30 * MB);
    }
}
