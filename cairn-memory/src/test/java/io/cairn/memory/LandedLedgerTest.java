package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LandedLedgerTest {

    @Test
    void totalsAccumulate() {
        LandedLedger l = new LandedLedger();
        l.add(100);
        l.add(23);
        assertThat(l.total()).isEqualTo(123);
    }

    @Test
    void markIsTheLatestStampBeforeTheTimeAndNeverBelowTheFloor() throws InterruptedException {
        LandedLedger l = new LandedLedger();
        l.add(1000);
        Thread.sleep(3);
        long between = System.nanoTime();
        Thread.sleep(3);
        l.add(500);
        assertThat(l.totalAsOf(between, 0)).isEqualTo(1000);
        assertThat(l.totalAsOf(System.nanoTime(), 0)).isEqualTo(1500);
        assertThat(l.totalAsOf(between, 1200)).as("floor wins").isEqualTo(1200);
        assertThat(l.totalAsOf(between - 60_000_000_000L, 7)).as("nothing stamped that early").isEqualTo(7);
    }

    /**
     * Bytes released within a millisecond of the last stamp were never stamped, so no later collection
     * took them in: they stayed "landed since the last collection" for good, and a later rise of the
     * heap estimate was taken as explained by the application's reservations and accepted without a
     * confirming collection (1 of 15 busy-reserved trials of {@code ./cairn bench governor} raised by
     * garbage before anything was retained). Failed before the fix: 1000, not 1500.
     */
    @Test
    void bytesReleasedBetweenStampsAreInsideACollectionThatEndedAfterThem() {
        long[] now = {1_000_000_000L};
        LandedLedger l = new LandedLedger(() -> now[0]);
        l.add(1000);
        now[0] += 100_000; // 0.1 ms later: within the stamp spacing
        l.add(500);
        now[0] += 5_000_000_000L;
        assertThat(l.totalAsOf(now[0], 0)).isEqualTo(1500);
        // A collection that ended before the second release does not take it in.
        assertThat(l.totalAsOf(1_000_050_000L, 0)).isEqualTo(1000);
    }
}
