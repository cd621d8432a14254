package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LevelStateMachineTest {
    private static final long MS = 1_000_000L;
    private final GovernorConfig config = GovernorConfig.builder().minDwell(Duration.ofSeconds(1)).build();

    @Test
    void risesAtOnceEvenInsideTheDwellTime() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        assertThat(m.update(0.59, 1 * MS)).isEqualTo(PressureLevel.NONE);
        assertThat(m.update(0.60, 2 * MS)).isEqualTo(PressureLevel.LOW);
        assertThat(m.update(0.76, 3 * MS)).isEqualTo(PressureLevel.MEDIUM);
        assertThat(m.update(0.99, 4 * MS)).isEqualTo(PressureLevel.CRITICAL);
    }

    @Test
    void aJumpLandsOnTheLevelOfTheBandNotOneStepUp() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        assertThat(m.update(0.90, MS)).isEqualTo(PressureLevel.HIGH);
    }

    @Test
    void fallsOnlyOnceUsageIsAMarginBelowTheThreshold() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        m.update(0.80, 0);
        long t = 2000 * MS;
        assertThat(m.update(0.74, t)).as("below 0.75 but not below 0.70").isEqualTo(PressureLevel.MEDIUM);
        assertThat(m.update(0.7001, t + MS)).isEqualTo(PressureLevel.MEDIUM);
        assertThat(m.update(0.6999, t + 2 * MS)).isEqualTo(PressureLevel.LOW);
    }

    @Test
    void holdsALevelForTheDwellTimeBeforeFalling() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        m.update(0.96, 100 * MS);
        assertThat(m.update(0.10, 500 * MS)).isEqualTo(PressureLevel.CRITICAL);
        assertThat(m.update(0.10, 1099 * MS)).isEqualTo(PressureLevel.CRITICAL);
        assertThat(m.update(0.10, 1100 * MS)).as("dwell measured from entering CRITICAL").isEqualTo(PressureLevel.NONE);
    }

    @Test
    void aFallMaySkipLevelsAndStopsAtTheFirstExitLineAboveUsage() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        m.update(0.97, 0);
        // Exit lines: CRITICAL 0.90, HIGH 0.80, MEDIUM 0.70, LOW 0.55.
        assertThat(m.update(0.72, 5000 * MS)).isEqualTo(PressureLevel.MEDIUM);
    }

    @Test
    void usageHoveringAtAThresholdDoesNotFlap() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        List<PressureLevel> seen = new ArrayList<>();
        PressureLevel last = m.level();
        for (int i = 0; i < 200; i++) {
            double ratio = 0.75 + ((i % 2 == 0) ? 0.02 : -0.02);
            PressureLevel now = m.update(ratio, i * 100 * MS);
            if (now != last) {
                seen.add(now);
                last = now;
            }
        }
        assertThat(seen).containsExactly(PressureLevel.MEDIUM);
    }

    @Test
    void aRiseRestartsTheDwellClock() {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        m.update(0.65, 0);
        m.update(0.80, 900 * MS);
        assertThat(m.update(0.10, 1500 * MS)).isEqualTo(PressureLevel.MEDIUM);
        assertThat(m.update(0.10, 1900 * MS)).isEqualTo(PressureLevel.NONE);
    }

    /** Invariants over arbitrary usage sequences, with time steps of 0 to 1.5 s. */
    @Property(tries = 300)
    void levelNeverSitsBelowItsBandAndFallsOnlyByTheRules(
            @ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = 0.0, max = 1.2) Double> ratios,
            @ForAll @Size(min = 60, max = 60) List<@IntRange(min = 0, max = 1500) Integer> stepsMillis) {
        LevelStateMachine m = new LevelStateMachine(config, 0);
        long now = 0;
        long enteredAt = 0;
        PressureLevel level = PressureLevel.NONE;
        for (int i = 0; i < ratios.size(); i++) {
            now += stepsMillis.get(i) * MS;
            double ratio = ratios.get(i);
            PressureLevel next = m.update(ratio, now);
            PressureLevel band = m.levelEnteredAt(ratio);
            assertThat(next.ordinal()).as("never below the band usage is in").isGreaterThanOrEqualTo(band.ordinal());
            if (next.ordinal() > level.ordinal()) {
                assertThat(next).as("a rise lands on the band").isEqualTo(band);
            }
            if (next.ordinal() < level.ordinal()) {
                assertThat(now - enteredAt).as("fell before the dwell time").isGreaterThanOrEqualTo(1000 * MS);
                assertThat(ratio).as("fell without crossing the exit line")
                        .isLessThan(config.threshold(level) - config.hysteresis());
                assertThat(ratio).as("fell past a level whose exit line usage is above")
                        .isGreaterThanOrEqualTo(next == PressureLevel.NONE ? 0.0
                                : config.threshold(next) - config.hysteresis());
            }
            if (next != level) {
                enteredAt = now;
                level = next;
            }
        }
    }
}
