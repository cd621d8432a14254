package io.cairn.memory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GovernorMetricsTest {
    private final JvmMemoryGovernor governor = JvmMemoryGovernor.start(GovernorConfig.defaults());

    @AfterEach
    void close() {
        governor.close();
    }

    @Test
    void gaugesReadTheGovernor() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GovernorMetrics(governor).bindTo(registry);
        System.gc();

        Gauge level = registry.get("blockstore.memory.pressure.level").gauge();
        assertThat(level.value()).isEqualTo(governor.level().severity());
        double ratio = registry.get("blockstore.memory.usage.ratio").gauge().value();
        assertThat(ratio).isGreaterThan(0.0).isLessThan(10.0);
        assertThat(registry.get("blockstore.memory.heap.max").gauge().value())
                .isEqualTo((double) Runtime.getRuntime().maxMemory());
        assertThat(registry.get("blockstore.memory.budget").gauge().value()).isEqualTo((double) governor.budgetBytes());

        try (MemoryGovernor.Reservation r = governor.tryReserve(3 << 20)) {
            // The binder caches a snapshot for 100 ms; wait it out rather than read a stale one.
            sleep(150);
            assertThat(registry.get("blockstore.memory.reserved").gauge().value()).isEqualTo(r.bytes());
        }

        double cycles = registry.get("blockstore.gc.cycles").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
        assertThat(cycles).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void prometheusRendersTheDocumentedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new GovernorMetrics(governor).bindTo(registry);
        String text = registry.scrape();
        assertThat(text)
                .contains("blockstore_memory_usage_ratio ")
                .contains("blockstore_memory_pressure_level ")
                .contains("blockstore_gc_cycles_total{gc=")
                .contains("blockstore_gc_time_seconds_total{gc=")
                .contains("blockstore_memory_heap_used_bytes ")
                .contains("blockstore_memory_heap_live_bytes ")
                .contains("blockstore_memory_budget_bytes ")
                .contains("blockstore_memory_container_limit_bytes ")
                .contains("blockstore_memory_rss_bytes ");
    }

    @Test
    void gaugesSurviveTheBinderBeingDropped() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GovernorMetrics(governor).bindTo(registry);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(registry.get("blockstore.memory.usage.ratio").gauge().value()).isNotNaN();
        assertThat(registry.get("blockstore.gc.cycles").functionCounters().iterator().next().count()).isNotNaN();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
