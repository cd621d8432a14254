package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcClockTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void answersNothingUntilCalibratedByEnoughNotificationsAndTime() {
        GcClock clock = new GcClock(0);
        // Management clock 100 ms behind nanoTime; the first reports arrive 60 ms late.
        assertThat(clock.endNanos(10, 170 * MS)).isEqualTo(GcClock.UNKNOWN);
        assertThat(clock.endNanos(20, 180 * MS)).isEqualTo(GcClock.UNKNOWN);
        assertThat(clock.endNanos(30, 190 * MS)).isEqualTo(GcClock.UNKNOWN);
        assertThat(clock.endNanos(40, 200 * MS)).as("four samples, but not yet a second").isEqualTo(GcClock.UNKNOWN);
        long end = clock.endNanos(1_000, S + 160 * MS);
        assertThat(end).as("calibrated: offset is the smallest arrival-minus-end, 160 ms")
                .isEqualTo(1_000 * MS + 160 * MS - GcClock.RESOLUTION_NANOS);
    }

    @Test
    void theFastestDeliveryDefinesTheOffsetAndANotificationLaterDoesNotMoveIt() {
        GcClock clock = new GcClock(0);
        clock.endNanos(100, 260 * MS);   // 160 ms: 60 late
        clock.endNanos(200, 301 * MS);   // 101 ms: 1 late
        clock.endNanos(300, 450 * MS);   // 150 ms: 50 late
        clock.endNanos(400, 520 * MS);
        long end = clock.endNanos(2_000, 2_300 * MS); // 300 ms: a slow delivery
        assertThat(end).as("placed with the 101 ms offset, not the slow one")
                .isEqualTo(2_000 * MS + 101 * MS - GcClock.RESOLUTION_NANOS);
        assertThat(end).isLessThan(2_300 * MS);
    }
}
