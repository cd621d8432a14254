package io.cairn.server.config;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code dns-resolver}: the system's by default, host[:port] from flag or environment, anything else refused naming its source. */
class DnsResolverSettingTest {
    @TempDir
    Path tmp;

    private ServerConfig resolve(Map<String, String> env, Map<Setting, String> flags) {
        Map<String, String> e = new HashMap<>(env);
        e.put("CAIRN_DATA", tmp.toString());
        return new ConfigResolver(e).resolve(flags, null);
    }

    @Test
    void systemByDefaultAndHostPortWhenSet() {
        assertThat(resolve(Map.of(), Map.of()).dnsResolver()).isNull();
        assertThat(resolve(Map.of("CAIRN_DNS_RESOLVER", "system"), Map.of()).dnsResolver()).isNull();
        assertThat(resolve(Map.of("CAIRN_DNS_RESOLVER", "10.0.0.53"), Map.of()).dnsResolver()).isEqualTo("10.0.0.53");
        assertThat(resolve(Map.of("CAIRN_DNS_RESOLVER", "10.0.0.53"), Map.of(Setting.DNS_RESOLVER, "127.0.0.1:5353"))
                .dnsResolver()).isEqualTo("127.0.0.1:5353");
        assertThat(resolve(Map.of(), Map.of(Setting.DNS_RESOLVER, "[::1]:53")).dnsResolver()).isEqualTo("[::1]:53");
    }

    @Test
    void malformedValuesAreRefusedNamingTheSource() {
        assertThatThrownBy(() -> resolve(Map.of("CAIRN_DNS_RESOLVER", "dns://x y"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dns-resolver")
                .hasMessageContaining("CAIRN_DNS_RESOLVER");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(Setting.DNS_RESOLVER, "127.0.0.1:70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dns-resolver");
    }
}
