package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapFootprintTest {

    @Test
    void smallArraysCostTheirLengthPlusHeaderAligned() {
        assertThat(HeapFootprint.ofByteArray(0)).isEqualTo(16);
        assertThat(HeapFootprint.ofByteArray(1)).isEqualTo(24);
        assertThat(HeapFootprint.ofByteArray(4096)).isEqualTo(4112);
        assertThatThrownBy(() -> HeapFootprint.ofByteArray(-1)).hasMessageContaining("negative");
    }

    @Test
    void humongousArraysUnderG1TakeWholeRegions() {
        long region = HeapFootprint.g1RegionBytes();
        // The test JVM runs the default collector, G1, whose regions are a power of two from 1 MiB.
        assertThat(region).isGreaterThanOrEqualTo(1L << 20);
        assertThat(Long.bitCount(region)).isEqualTo(1);
        assertThat(HeapFootprint.ofByteArray(region)).as("a region-sized array needs two regions").isEqualTo(2 * region);
        assertThat(HeapFootprint.ofByteArray(region / 2)).isEqualTo(region);
        assertThat(HeapFootprint.ofByteArray(region / 2 - 64)).isEqualTo(region / 2 - 64 + 16);
    }
}
