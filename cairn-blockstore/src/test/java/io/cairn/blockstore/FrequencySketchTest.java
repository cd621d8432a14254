package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

    @Test
    void countsUpToFifteenAndTellsFrequentFromRareKeys() {
        FrequencySketch s = new FrequencySketch(1024);
        for (int i = 0; i < 20; i++) {
            s.increment(42);
        }
        s.increment(7);
        assertThat(s.frequency(42)).isEqualTo(15);
        assertThat(s.frequency(7)).isBetween(1, 2);
        assertThat(s.frequency(123_456)).isLessThanOrEqualTo(1);
    }

    @Test
    void sizedAtUnderThreeBytesAKeyAndAtLeastTheKeysAskedFor() {
        for (int keys : new int[] {1, 1000, 1025, 4096, 4097, 57_856, 1 << 20}) {
            FrequencySketch s = new FrequencySketch(keys);
            assertThat(s.capacity()).isGreaterThanOrEqualTo(keys);
            if (keys >= 1000) {
                double perKey = (double) (s.bytes() - 48) / keys;
                assertThat(perKey).as("bytes a key at " + keys).isBetween(2.5, 2.75);
            }
        }
    }
}
