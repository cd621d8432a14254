package io.cairn.server;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.metrics.GovernorMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * Exports the governor next to the JVM and HTTP metrics (names under {@code blockstore.memory.*},
 * defined by {@link GovernorMetrics}). The cache's metrics join here when the caching layer is in the
 * store stack.
 */
final class MetricsBinding {
    private MetricsBinding() {
    }

    static void bindGovernor(MemoryGovernor governor, MeterRegistry registry, List<AutoCloseable> closeables) {
        new GovernorMetrics(governor).bindTo(registry);
    }
}
