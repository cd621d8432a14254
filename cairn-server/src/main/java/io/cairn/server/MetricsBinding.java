package io.cairn.server;

import io.cairn.memory.MemoryGovernor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/** Exports the governor's state next to the JVM and HTTP metrics. */
final class MetricsBinding {
    private MetricsBinding() {
    }

    static void bindGovernor(MemoryGovernor governor, MeterRegistry registry, List<AutoCloseable> closeables) {
        Gauge.builder("cairn.server.degradation.level", governor, g -> g.level().severity())
                .description("the governor's pressure level as seen by the server (0 NONE .. 4 CRITICAL)")
                .register(registry);
        Gauge.builder("cairn.server.reserved", governor, MemoryGovernor::reservedBytes)
                .baseUnit("bytes").description("bytes reserved for requests in flight").register(registry);
    }
}
