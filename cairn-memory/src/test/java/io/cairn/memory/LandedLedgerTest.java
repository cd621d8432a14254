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
}
