package io.cairn.memory.offheap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Internal fragmentation on the block sizes of real UnixFS imports (src/test/resources/unixfs-sizes). */
class FragmentationTest {
    /** The multihash a cache stores in front of each block (sha2-256: 34 bytes). */
    private static final int KEY = 34;

    static int[] sizes(String name) throws IOException {
        try (InputStream in = FragmentationTest.class.getResourceAsStream("/unixfs-sizes/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.isBlank()).mapToInt(Integer::parseInt).toArray();
        }
    }

    @Test
    void legacyProfileLeavesAndNodesStayWithinTheTargets() throws IOException {
        int[] sizes = sizes("legacy-temurin25.txt");
        assertThat(sizes).hasSize(1429).contains(262_158);
        for (int extra : new int[] {0, KEY}) {
            Fragmentation f = Fragmentation.measure(AllocatorConfig.of(0), sizes, extra);
            assertThat(f.large()).as("64 KiB and up, +%d B", extra).isLessThanOrEqualTo(0.05);
            assertThat(f.small()).as("below 64 KiB, +%d B", extra).isLessThanOrEqualTo(0.20);
        }
    }

    @Test
    void profile2025RawMebibyteLeavesStayWithinTheTargets() throws IOException {
        int[] sizes = sizes("v1-2025-temurin25.txt");
        assertThat(sizes).hasSize(520).contains(1 << 20);
        for (int extra : new int[] {0, KEY}) {
            Fragmentation f = Fragmentation.measure(AllocatorConfig.of(0), sizes, extra);
            assertThat(f.large()).as("64 KiB and up, +%d B", extra).isLessThanOrEqualTo(0.05);
            assertThat(f.small()).as("below 64 KiB, +%d B", extra).isLessThanOrEqualTo(0.20);
        }
    }

    @Test
    void aPowerOfTwoAllocatorWouldMissTheTargetThisOneMeets() throws IOException {
        int[] sizes = sizes("legacy-temurin25.txt");
        long requested = 0;
        long pow2 = 0;
        for (int s : sizes) {
            if (s >= Fragmentation.LARGE) {
                requested += s;
                pow2 += Long.highestOneBit(s - 1L) << 1;
            }
        }
        assertThat(1.0 - (double) requested / pow2).as("power-of-two slots").isGreaterThan(0.45);
    }
}
