package io.cairn.server.config;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import io.cairn.server.StoreType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store and s3-* settings: from flags, environment and file, validated with their origin named. */
class S3SettingsTest {
    @TempDir
    Path tmp;

    private ServerConfig resolve(Map<String, String> env, Map<Setting, String> flags) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("CAIRN_DATA", tmp.toString());
        return new ConfigResolver(e).resolve(flags, null);
    }

    @Test
    void defaultsToFlatFs() {
        ServerConfig c = resolve(Map.of(), Map.of());
        assertThat(c.store()).isEqualTo(StoreType.FLATFS);
        assertThat(c.s3().region()).isEqualTo("us-east-1");
        assertThat(c.s3().cacheDir()).isNull();
    }

    @Test
    void everyS3SettingIsRead() throws Exception {
        Path file = tmp.resolve("cairn.conf");
        Files.writeString(file, "store = s3\ns3-bucket = blocks\ns3-prefix = node-1\ns3-path-style = true\n");
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.S3_ENDPOINT, "http://127.0.0.1:9000");
        flags.put(Setting.S3_CACHE_DIR, tmp.resolve("cache").toString());
        flags.put(Setting.S3_CACHE_SIZE, "256m");
        ServerConfig c = new ConfigResolver(Map.of("CAIRN_DATA", tmp.toString(), "CAIRN_S3_REGION", "auto")).resolve(flags, file);
        assertThat(c.store()).isEqualTo(StoreType.S3);
        assertThat(c.s3().bucket()).isEqualTo("blocks");
        assertThat(c.s3().prefix()).isEqualTo("node-1");
        assertThat(c.s3().pathStyle()).isTrue();
        assertThat(c.s3().region()).isEqualTo("auto");
        assertThat(c.s3().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(c.s3().cacheDir()).isEqualTo(tmp.resolve("cache"));
        assertThat(c.s3().cacheSizeBytes()).isEqualTo(256L << 20);
    }

    @Test
    void badValuesAreRefusedNamingTheSettingAndWhereTheyCameFrom() {
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_STORE", "tape"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store: 'tape' is not a store type")
                .hasMessageContaining("CAIRN_STORE");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_STORE", "s3"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3-bucket: required when store is s3");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_STORE", "s3", "CAIRN_S3_BUCKET", "Bad_Bucket"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a valid bucket name")
                .hasMessageContaining("CAIRN_S3_BUCKET");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_S3_ENDPOINT", "ftp://x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3-endpoint")
                .hasMessageContaining("CAIRN_S3_ENDPOINT");
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_STORE", "s3", "CAIRN_S3_BUCKET", "b-1",
                "CAIRN_S3_CACHE_DIR", "/tmp/x", "CAIRN_S3_CACHE_SIZE", "10k"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3-cache-size");
    }
}
