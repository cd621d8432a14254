package io.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.server.ServerConfig;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cache-size}: derived from the memory budget when unset, allowed past the heap when set. */
class CacheSizeTest {
    private static final long GIB = 1L << 30;

    private static ServerConfig resolve(String... cacheSize) {
        Map<Setting, String> flags = cacheSize.length == 0 ? Map.of() : Map.of(Setting.CACHE_SIZE, cacheSize[0]);
        return new ConfigResolver(Map.of("XDG_DATA_HOME", "/tmp/cairn-cache-size-test")).resolve(flags, null);
    }

    @Test
    void unsetItIsAQuarterOfTheBudget() {
        ServerConfig config = resolve();
        assertThat(config.cacheSizeBytes()).isEqualTo(-1);
        try (ManualMemoryGovernor g = new ManualMemoryGovernor(4 * GIB)) {
            assertThat(StoreStack.effectiveCacheBytes(config, g)).isEqualTo(GIB);
        }
    }

    @Test
    void setItMayExceedTheHeapUpToHalfTheBudget() {
        long heap = Runtime.getRuntime().maxMemory();
        ServerConfig config = resolve("4g");
        try (ManualMemoryGovernor g = new ManualMemoryGovernor(16 * GIB)) {
            assertThat(StoreStack.effectiveCacheBytes(config, g)).isEqualTo(4 * GIB).isGreaterThan(heap);
        }
        try (ManualMemoryGovernor g = new ManualMemoryGovernor(GIB)) {
            assertThat(StoreStack.effectiveCacheBytes(config, g)).isEqualTo(GIB / 2);
        }
        assertThat(resolve("0").cacheSizeBytes()).isZero();
    }
}
