package io.cairn.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageSettingsTest {
    private static ServerConfig resolve(Map<String, String> env, Map<Setting, String> flags) {
        return new ConfigResolver(env).resolve(flags, null);
    }

    @Test
    void defaultsAreNoLimitAndNinetyPercent() {
        ServerConfig c = resolve(Map.of("CAIRN_DATA", "/tmp/x"), Map.of());
        assertThat(c.storageMaxBytes()).isZero();
        assertThat(c.storageGcWatermarkPercent()).isEqualTo(90);
    }

    @Test
    void sizesPercentagesAndNoneParse() {
        ServerConfig c = resolve(Map.of("CAIRN_DATA", "/tmp/x", "CAIRN_STORAGE_GC_WATERMARK", "75%"),
                Map.of(Setting.STORAGE_MAX, "10g"));
        assertThat(c.storageMaxBytes()).isEqualTo(10L << 30);
        assertThat(c.storageGcWatermarkPercent()).isEqualTo(75);
        assertThat(resolve(Map.of("CAIRN_DATA", "/tmp/x"), Map.of(Setting.STORAGE_MAX, "none")).storageMaxBytes()).isZero();
    }

    @Test
    void badValuesNameTheSettingAndWhereTheyCameFrom() {
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_DATA", "/tmp/x"), Map.of(Setting.STORAGE_MAX, "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage-max").hasMessageContaining("flag --storage-max");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_DATA", "/tmp/x"), Map.of(Setting.STORAGE_MAX, "1m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("below max-block-size");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_DATA", "/tmp/x", "CAIRN_STORAGE_GC_WATERMARK", "150"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage-gc-watermark")
                .hasMessageContaining("CAIRN_STORAGE_GC_WATERMARK");
    }
}
