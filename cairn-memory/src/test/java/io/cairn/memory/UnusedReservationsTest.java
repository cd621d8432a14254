package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Defect 3 of issue 10: a small CAR imported six times, 2 s apart, answered 200,200,503,503,200,200
 * with "reservation of 5242880 bytes refused (heap): memory pressure NONE". Each block reserved 5 MiB
 * and released it having allocated 1 KB; the quick check counted every released byte as landed on the
 * heap until the next evaluation. A refusal is now decided on a fresh reading, whose landed bytes are
 * capped by what the heap really grew, and names its binding limit with the figures.
 */
class UnusedReservationsTest {
    private static final long MB = 1 << 20;

    @Test
    void reservationsReleasedUnusedDoNotRefuseTheNextOneAtNone() throws Exception {
        System.gc();
        Thread.sleep(300);
        long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        // A budget with 48 MiB of room: 40 released reservations of 5 MiB are four times that.
        GovernorConfig config = GovernorConfig.builder().maxMemoryBytes(used + 48 * MB).build();
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config)) {
            System.gc();
            Thread.sleep(300);
            int refused = 0;
            for (int round = 0; round < 6; round++) {
                for (int block = 0; block < 40; block++) {
                    try {
                        governor.tryReserve(5 * MB).release();
                    } catch (MemoryPressureException e) {
                        refused++;
                        assertThat(e.bindingLimit()).as("a refusal names its limit").isNotNull();
                        assertThat(e.getMessage()).contains(e.bindingLimit().label() + " limit");
                    }
                }
            }
            assertThat(refused).as("reservations refused while nothing was allocated (level %s)", governor.level())
                    .isZero();
        }
    }

    @Test
    void releasingWithTheAllocatedBytesLandsOnlyThose() throws Exception {
        GovernorConfig config = GovernorConfig.builder().maxMemoryBytes(64 * MB + Runtime.getRuntime().totalMemory())
                .build();
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config)) {
            long before = governor.usedBytes();
            for (int i = 0; i < 100; i++) {
                governor.tryReserve(5 * MB).release(1024);
            }
            assertThat(governor.usedBytes() - before).as("100 KiB landed, not 500 MiB").isLessThan(8 * MB);
        }
    }
}
