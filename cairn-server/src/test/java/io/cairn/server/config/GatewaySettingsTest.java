package io.cairn.server.config;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import io.cairn.server.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gateway-deserialized and gateway-cors-origin through flags and environment, validated with their source. */
class GatewaySettingsTest {
    static ServerConfig resolve(Map<String, String> env, Map<Setting, String> flags) {
        return new ConfigResolver(env).resolve(flags, null);
    }

    @Test
    void defaultsAreAutoAndOpenCors() {
        ServerConfig c = resolve(Map.of(), new EnumMap<>(Setting.class));
        assertThat(c.gateway()).isEqualTo(GatewayConfig.defaults());
        assertThat(c.effectiveGateway().serveDeserialized()).isTrue(); // 127.0.0.1
    }

    @Test
    void environmentAndFlagsSetThem() {
        ServerConfig env = resolve(Map.of("CAIRN_GATEWAY_DESERIALIZED", "false", "CAIRN_GATEWAY_CORS_ORIGIN", "none"),
                new EnumMap<>(Setting.class));
        assertThat(env.effectiveGateway().serveDeserialized()).isFalse();
        assertThat(env.gateway().cors()).isFalse();
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.GATEWAY_DESERIALIZED, "true");
        flags.put(Setting.GATEWAY_CORS_ORIGIN, "https://app.example");
        ServerConfig f = resolve(Map.of("CAIRN_GATEWAY_DESERIALIZED", "false"), flags);
        assertThat(f.effectiveGateway().serveDeserialized()).isTrue();
        assertThat(f.gateway().corsOrigin()).isEqualTo("https://app.example");
    }

    @Test
    void badValuesNameTheSettingAndTheirSource() {
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_GATEWAY_DESERIALIZED", "sometimes"), new EnumMap<>(Setting.class)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway-deserialized").hasMessageContaining("CAIRN_GATEWAY_DESERIALIZED");
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.GATEWAY_CORS_ORIGIN, "not an origin");
        assertThatThrownBy(() -> resolve(Map.of(), flags)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway-cors-origin").hasMessageContaining("--gateway-cors-origin");
    }
}
