package io.cairn.blockstore;

import io.cairn.memory.ManualMemoryGovernor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.PressureLevel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlockstoreMetricsTest {

    @Test
    void metersFollowTheStore() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(100L << 20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor,
                MemoryAwareConfig.defaults())) {
            new BlockstoreMetrics(store).bindTo(registry);
            Block b = Block.raw("metered".getBytes(StandardCharsets.UTF_8));
            store.put(b);
            store.get(b.cid());
            store.get(b.cid());

            assertThat(registry.get("cache.gets").tag("cache", "blocks").tag("result", "hit").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cache.gets").tag("cache", "blocks").tag("result", "miss").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cache.size.bytes").tag("cache", "blocks").gauge().value()).isGreaterThan(b.size());

            governor.setLevel(PressureLevel.HIGH);
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(registry.get("blockstore.degradation.level").gauge().value()).isEqualTo(4.0);
            assertThatThrownBy(() -> store.put(Block.raw(new byte[] {1}))).isInstanceOf(MemoryPressureException.class);
            assertThat(registry.get("blockstore.rejected.ops").functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("blockstore.cache.disabled").functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("blockstore.cleanup.ops").functionCounter().count()).isGreaterThanOrEqualTo(2.0);
            assertThat(registry.get("blockstore.bloom.status").gauge().value()).isZero();
        }
    }
}
