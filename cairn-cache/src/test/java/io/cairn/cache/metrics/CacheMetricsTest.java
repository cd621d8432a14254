package io.cairn.cache.metrics;

import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheMetricsTest {

    @Test
    void exportsHitsMissesEvictionsAndSizeTaggedWithTheCacheName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Cache<Integer, byte[]> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("blocks").maximumWeight(1000)
                .weigher((Integer k, byte[] v) -> v.length)
                .evictionPolicy(io.cairn.cache.EvictionPolicy.LRU).recordStats().build();
        CacheMetrics.monitor(registry, c, "tier", "l1");
        for (int i = 0; i < 20; i++) {
            c.put(i, new byte[100]);
        }
        c.getIfPresent(19);
        c.getIfPresent(-1);
        c.getIfPresent(-2);
        c.invalidate(19);

        assertThat(registry.get("cache.gets").tag("cache", "blocks").tag("result", "hit")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("cache.evictions").tag("cause", "size").functionCounter().count()).isEqualTo(10);
        assertThat(registry.get("cache.removals").tag("cause", "explicit").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("cache.evicted.bytes").functionCounter().count()).isEqualTo(1000);
        assertThat(registry.get("cache.size.bytes").tag("tier", "l1").gauge().value()).isEqualTo(900);
        assertThat(registry.get("cache.entries").gauge().value()).isEqualTo(9);
        assertThat(registry.get("cache.max.bytes").gauge().value()).isEqualTo(1000);
        assertThat(registry.get("cache.writes.pending").gauge().value()).isZero();
        assertThat(registry.find("cache.evictions").tag("cause", "explicit").functionCounter()).isNull();
    }
}
