package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GovernorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        GovernorConfig c = GovernorConfig.defaults();
        assertThat(c.maxMemoryBytes()).isZero();
        assertThat(c.threshold(PressureLevel.NONE)).isZero();
        assertThat(c.threshold(PressureLevel.LOW)).isEqualTo(0.60);
        assertThat(c.threshold(PressureLevel.MEDIUM)).isEqualTo(0.75);
        assertThat(c.threshold(PressureLevel.HIGH)).isEqualTo(0.85);
        assertThat(c.threshold(PressureLevel.CRITICAL)).isEqualTo(0.95);
        assertThat(c.hysteresis()).isEqualTo(0.05);
        assertThat(c.minDwell()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.samplerInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.gcMinInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.autoGcLevel()).isEqualTo(PressureLevel.MEDIUM);
        assertThat(c.listenerTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.heapFastPathRatio()).isEqualTo(0.97);
    }

    @Test
    void samplingTightensAsPressureRisesDownToTheFloor() {
        GovernorConfig c = GovernorConfig.defaults();
        assertThat(c.samplerInterval(PressureLevel.NONE)).isEqualTo(Duration.ofMillis(1000));
        assertThat(c.samplerInterval(PressureLevel.LOW)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.samplerInterval(PressureLevel.MEDIUM)).isEqualTo(Duration.ofMillis(250));
        assertThat(c.samplerInterval(PressureLevel.HIGH)).isEqualTo(Duration.ofMillis(125));
        assertThat(c.samplerInterval(PressureLevel.CRITICAL)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void thresholdOutsideTheUnitIntervalIsNamed() {
        assertThatThrownBy(() -> GovernorConfig.builder().thresholds(0.6, 0.75, 0.85, 1.2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CRITICAL").hasMessageContaining("1.2").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> GovernorConfig.builder().thresholds(0.0, 0.75, 0.85, 0.95).build())
                .hasMessageContaining("LOW").hasMessageContaining("0.0");
        assertThatThrownBy(() -> GovernorConfig.builder().thresholds(Double.NaN, 0.75, 0.85, 0.95).build())
                .hasMessageContaining("LOW").hasMessageContaining("NaN");
    }

    @Test
    void thresholdsThatDoNotIncreaseAreNamed() {
        assertThatThrownBy(() -> GovernorConfig.builder().thresholds(0.6, 0.85, 0.85, 0.95).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HIGH threshold 0.85")
                .hasMessageContaining("MEDIUM threshold 0.85")
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> GovernorConfig.builder().thresholds(0.6, 0.5, 0.85, 0.95).build())
                .hasMessageContaining("MEDIUM threshold 0.5");
    }

    @Test
    void otherBadSettingsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> GovernorConfig.builder().maxMemoryBytes(-1).build())
                .hasMessageContaining("maxMemoryBytes").hasMessageContaining("-1");
        assertThatThrownBy(() -> GovernorConfig.builder().hysteresis(0.6).build())
                .hasMessageContaining("hysteresis").hasMessageContaining("0.6");
        assertThatThrownBy(() -> GovernorConfig.builder().hysteresis(-0.01).build())
                .hasMessageContaining("hysteresis").hasMessageContaining("-0.01");
        assertThatThrownBy(() -> GovernorConfig.builder().minDwell(Duration.ofMillis(-5)).build())
                .hasMessageContaining("minDwell").hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> GovernorConfig.builder().samplerInterval(Duration.ZERO).build())
                .hasMessageContaining("samplerInterval").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> GovernorConfig.builder().minSamplerInterval(Duration.ofSeconds(2)).build())
                .hasMessageContaining("minSamplerInterval PT2S").hasMessageContaining("samplerInterval PT1S");
        assertThatThrownBy(() -> GovernorConfig.builder().gcMinInterval(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("gcMinInterval");
        assertThatThrownBy(() -> GovernorConfig.builder().autoGcLevel(PressureLevel.NONE).build())
                .hasMessageContaining("autoGcLevel").hasMessageContaining("NONE");
        assertThatThrownBy(() -> GovernorConfig.builder().heapFastPathRatio(1.5).build())
                .hasMessageContaining("heapFastPathRatio").hasMessageContaining("1.5");
        assertThatThrownBy(() -> GovernorConfig.builder().listenerTimeout(Duration.ZERO).build())
                .hasMessageContaining("listenerTimeout");
    }

    @Test
    void validCustomSettingsAreKept() {
        GovernorConfig c = GovernorConfig.builder().maxMemoryBytes(1 << 30).thresholds(0.5, 0.6, 0.7, 1.0)
                .hysteresis(0).autoGcLevel(null).build();
        assertThat(c.maxMemoryBytes()).isEqualTo(1 << 30);
        assertThat(c.threshold(PressureLevel.CRITICAL)).isEqualTo(1.0);
        assertThat(c.hysteresis()).isZero();
        assertThat(c.autoGcLevel()).isNull();
    }
}
