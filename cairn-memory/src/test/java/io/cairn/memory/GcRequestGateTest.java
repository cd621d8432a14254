package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.MemoryGovernor.GcRequestResult;
import org.junit.jupiter.api.Test;

class GcRequestGateTest {
    private static final long S = 1_000_000_000L;

    @Test
    void oneInFlightThenRateLimitedUntilTheIntervalHasPassed() {
        GcRequestGate gate = new GcRequestGate(5 * S, true);
        assertThat(gate.tryStart(10 * S)).isEqualTo(GcRequestResult.STARTED);
        assertThat(gate.tryStart(11 * S)).isEqualTo(GcRequestResult.IN_FLIGHT);
        gate.finished();
        assertThat(gate.tryStart(12 * S)).isEqualTo(GcRequestResult.RATE_LIMITED);
        assertThat(gate.tryStart(15 * S - 1)).isEqualTo(GcRequestResult.RATE_LIMITED);
        assertThat(gate.tryStart(15 * S)).isEqualTo(GcRequestResult.STARTED);
        assertThat(gate.startedCount()).isEqualTo(2);
    }

    @Test
    void theFirstRequestIsNeverRateLimited() {
        GcRequestGate gate = new GcRequestGate(5 * S, true);
        assertThat(gate.tryStart(0)).isEqualTo(GcRequestResult.STARTED);
    }

    @Test
    void ineffectiveWhenExplicitGcIsDisabledAndNothingIsCounted() {
        GcRequestGate gate = new GcRequestGate(5 * S, false);
        assertThat(gate.tryStart(0)).isEqualTo(GcRequestResult.INEFFECTIVE);
        assertThat(gate.tryStart(100 * S)).isEqualTo(GcRequestResult.INEFFECTIVE);
        assertThat(gate.startedCount()).isZero();
        assertThat(gate.effective()).isFalse();
    }
}
