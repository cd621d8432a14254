package io.cairn.server.config;

import io.cairn.redis.RedisEndpoint;
import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The redis* settings: read from file, environment and flags, the password only from the environment, validated. */
class RedisSettingsTest {
    @TempDir
    Path tmp;

    private ServerConfig resolve(Map<String, String> env, Map<Setting, String> flags) {
        Map<String, String> e = new HashMap<>(env);
        e.put("CAIRN_DATA", tmp.toString());
        return new ConfigResolver(e).resolve(flags, null);
    }

    @Test
    void noRedisByDefault() {
        ServerConfig c = resolve(Map.of(), Map.of());
        assertThat(c.redis().endpoint()).isEmpty();
        assertThat(c.redis().maxValueBytes()).isEqualTo(1024 * 1024);
        assertThat(c.redis().ttl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void standaloneFromTheFileWithThePasswordFromTheEnvironment() throws Exception {
        Path file = tmp.resolve("cairn.conf");
        Files.writeString(file, "redis = redis://127.0.0.1:6390\nredis-max-value = 256k\nredis-ttl = 10m\n");
        ServerConfig c = new ConfigResolver(Map.of("CAIRN_DATA", tmp.toString(), "CAIRN_REDIS_PASSWORD", "s3cret"))
                .resolve(Map.of(), file);
        RedisEndpoint ep = c.redis().endpoint().orElseThrow();
        assertThat(ep.cluster()).isFalse();
        assertThat(ep.nodes()).containsExactly(new RedisEndpoint.HostPort("127.0.0.1", 6390));
        assertThat(ep.password()).contains("s3cret");
        assertThat(ep.toString()).doesNotContain("s3cret");
        assertThat(c.redis().options().maxValueBytes()).isEqualTo(256 * 1024);
        assertThat(c.redis().options().ttl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void clusterSeedsFromAFlag() {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.REDIS_CLUSTER, "127.0.0.1:7000, 127.0.0.1:7001,redis://127.0.0.1:7002");
        RedisEndpoint ep = resolve(Map.of(), flags).redis().endpoint().orElseThrow();
        assertThat(ep.cluster()).isTrue();
        assertThat(ep.nodes()).hasSize(3);
        assertThat(ep.password()).isEmpty();
    }

    @Test
    void badValuesNameTheSettingAndWhereTheyCameFrom() {
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_REDIS", "redis://127.0.0.1:1", "CAIRN_REDIS_CLUSTER", "127.0.0.1:2"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_REDIS", "http://127.0.0.1:1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis").hasMessageContaining("redis://");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_REDIS", "redis://user:pw@127.0.0.1:1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CAIRN_REDIS_PASSWORD");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_REDIS_MAX_VALUE", "65m"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis-max-value")
                .hasMessageContaining("environment variable CAIRN_REDIS_MAX_VALUE");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_REDIS_TTL", "soon"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis-ttl");
    }

    @Test
    void theGcLeaseTtlFromFlagsAndEnvironmentWithinItsBounds() {
        assertThat(resolve(Map.of(), Map.of()).gcLeaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(resolve(Map.of("CAIRN_GC_LEASE_TTL", "5s"), Map.of()).gcLeaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(resolve(Map.of(), Map.of(Setting.GC_LEASE_TTL, "2m")).gcLeaseTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_GC_LEASE_TTL", "50ms"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gc-lease-ttl")
                .hasMessageContaining("environment variable CAIRN_GC_LEASE_TTL");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(Setting.GC_LEASE_TTL, "2h")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("between 100ms and 1h");
    }
}
