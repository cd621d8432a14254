package io.cairn.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The soak's RSS accounting: the fixed overhead from the end of warm-up, then the worst deviation. */
class SoakAccountingTest {

    private static void sample(Timeline t, double seconds, double rss, double heapCommitted, double nativeMb) {
        // columns as SoakRun.COLUMNS: rss, heap used, live, threads, fds, gets, puts, failures, committed, native
        t.add(seconds, rss, 10, 10, 30, 40, 0, 0, 0, heapCommitted, nativeMb);
    }

    @Test
    void fixedOverheadIsTakenAtWarmUpAndDeviationsAfterIt() {
        Timeline t = new Timeline(SoakRun.COLUMNS);
        sample(t, 5, 500, 100, 0);       // during warm-up: ignored
        sample(t, 60, 300, 80, 100);     // fixed = 120
        sample(t, 65, 320, 80, 120);     // fixed = 120
        sample(t, 70, 340, 80, 140);     // fixed = 120
        sample(t, 75, 1200, 80, 1000);   // accounted 1200: exact
        sample(t, 80, 1260, 80, 1000);   // accounted 1200: 60 / 1260 off
        SoakRun.Accounting a = SoakRun.accounting(t, 60);
        assertThat(a.fixedOverheadMb()).isCloseTo(120, within(1e-9));
        assertThat(a.maxDeviation()).isCloseTo(60.0 / 1260, within(1e-9));
        assertThat(a.nativeMbAtEnd()).isEqualTo(1000);
        assertThat(a.rssMbAtEnd()).isEqualTo(1260);
    }

    @Test
    void samplesWithoutMemoryFiguresAreSkipped() {
        Timeline t = new Timeline(SoakRun.COLUMNS);
        sample(t, 60, 300, -1, -1);
        sample(t, 61, 300, 80, 100);
        sample(t, 62, 330, -1, -1);
        SoakRun.Accounting a = SoakRun.accounting(t, 60);
        assertThat(a.fixedOverheadMb()).isCloseTo(120, within(1e-9));
        assertThat(a.maxDeviation()).isZero();
    }
}
