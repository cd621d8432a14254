package io.cairn.server.config;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigResolverTest {
    @TempDir
    Path tmp;

    private static Map<Setting, String> flags(Object... kv) {
        Map<Setting, String> m = new EnumMap<>(Setting.class);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((Setting) kv[i], (String) kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsNeedNoConfiguration() {
        ServerConfig c = new ConfigResolver(Map.of()).resolve(flags(), null);
        assertThat(c.gatewayPort()).isEqualTo(8080);
        assertThat(c.apiPort()).isEqualTo(5001);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.maxMemoryBytes()).isEqualTo(-1);
        assertThat(c.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cairn"));
        assertThat(c.fsync()).isTrue();
    }

    @Test
    void xdgDataHomeSetsTheDefaultDataDirectory() {
        ServerConfig c = new ConfigResolver(Map.of("XDG_DATA_HOME", "/srv/xdg")).resolve(flags(), null);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/xdg/cairn"));
        assertThat(c.blocksDir()).isEqualTo(Path.of("/srv/xdg/cairn/blocks"));
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path file = tmp.resolve("cairn.conf");
        Files.writeString(file, """
                # comment
                gateway-port = 7000
                api-port = 7001
                max-memory = 256m
                idle-timeout = 45s
                """);
        Map<String, String> env = Map.of("CAIRN_API_PORT", "7101", "CAIRN_MAX_MEMORY", "1g", "CAIRN_CONFIG", file.toString());
        ServerConfig c = new ConfigResolver(env).resolve(flags(Setting.MAX_MEMORY, "2g"), null);
        assertThat(c.gatewayPort()).isEqualTo(7000);          // file
        assertThat(c.apiPort()).isEqualTo(7101);              // env over file
        assertThat(c.maxMemoryBytes()).isEqualTo(2L << 30);   // flag over env
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(30)); // default
    }

    @Test
    void badValuesNameTheSettingAndWhereItCameFrom() throws Exception {
        ConfigResolver r = new ConfigResolver(Map.of("CAIRN_GATEWAY_PORT", "eighty"));
        assertThatThrownBy(() -> r.resolve(flags(), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway-port").hasMessageContaining("CAIRN_GATEWAY_PORT");

        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.API_PORT, "70000"), null))
                .hasMessageContaining("api-port").hasMessageContaining("flag --api-port");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.MAX_MEMORY, "lots"), null))
                .hasMessageContaining("max-memory").hasMessageContaining("not a size");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.MAX_MEMORY, "1m"), null))
                .hasMessageContaining("max-memory").hasMessageContaining("16m");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.READ_TIMEOUT, "soon"), null))
                .hasMessageContaining("read-timeout");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.FSYNC, "maybe"), null))
                .hasMessageContaining("fsync");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(
                flags(Setting.GATEWAY_PORT, "6000", Setting.API_PORT, "6000"), null))
                .hasMessageContaining("gateway-port and api-port");
    }

    @Test
    void fileErrorsNameTheLine() throws Exception {
        Path file = tmp.resolve("bad.conf");
        Files.writeString(file, "gateway-port = 1\napi-prot = 2\n");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(), file))
                .hasMessageContaining("line 2").hasMessageContaining("unknown setting 'api-prot'");
        Files.writeString(file, "just words\n");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(), file))
                .hasMessageContaining("line 1").hasMessageContaining("key = value");
        Files.writeString(file, "max-block-size = tiny\n");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(), file))
                .hasMessageContaining("max-block-size").hasMessageContaining("bad.conf line 1");
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(), tmp.resolve("absent.conf")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void bindingBeyondLoopbackRequiresAToken() {
        assertThatThrownBy(() -> new ConfigResolver(Map.of()).resolve(flags(Setting.BIND, "0.0.0.0"), null))
                .hasMessageContaining("api-token");
        ServerConfig c = new ConfigResolver(Map.of("CAIRN_API_TOKEN", "t")).resolve(flags(Setting.BIND, "0.0.0.0"), null);
        assertThat(c.token()).contains("t");
        assertThat(new ConfigResolver(Map.of()).resolve(flags(Setting.BIND, "127.0.0.2"), null).bindAddress()).isEqualTo("127.0.0.2");
    }

    @Test
    void sizesAndDurationsParse() {
        assertThat(Values.parseSize("512m")).isEqualTo(512L << 20);
        assertThat(Values.parseSize("2g")).isEqualTo(2L << 30);
        assertThat(Values.parseSize("64KiB")).isEqualTo(64L << 10);
        assertThat(Values.parseSize("1000")).isEqualTo(1000);
        assertThat(Values.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Values.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Values.parseDuration("7")).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> Values.parseSize("99999999999999999999g")).isInstanceOf(IllegalArgumentException.class);
    }
}
