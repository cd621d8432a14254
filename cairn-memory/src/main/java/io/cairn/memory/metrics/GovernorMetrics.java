package io.cairn.memory.metrics;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Exposes a governor's readings as Micrometer meters. Names use Micrometer's dotted form; the
 * Prometheus registry renders them with underscores, adds {@code _bytes} to gauges whose base
 * unit is bytes and {@code _total} to counters:
 *
 * <ul>
 *   <li>{@code blockstore.memory.usage.ratio} → {@code blockstore_memory_usage_ratio}</li>
 *   <li>{@code blockstore.memory.pressure.level} → {@code blockstore_memory_pressure_level} (0–4)</li>
 *   <li>{@code blockstore.gc.cycles} (counter, tag {@code gc}) → {@code blockstore_gc_cycles_total}</li>
 *   <li>{@code blockstore.gc.time} (counter, seconds, tag {@code gc}) → {@code blockstore_gc_time_seconds_total}</li>
 *   <li>{@code blockstore.memory.*} byte gauges → {@code blockstore_memory_*_bytes}: budget, used,
 *       heap.used, heap.committed, heap.max, heap.live, direct, mapped, reserved, rss,
 *       container.limit and container.usage (-1 where unknown)</li>
 * </ul>
 *
 * <p>Meters hold this binder strongly (Micrometer's default is a weak reference, which would
 * turn the gauges into NaN once the caller drops the binder); counters, which Micrometer always
 * holds weakly, hang on the governor, which the application keeps. One scrape reads many gauges; they share a snapshot taken at most {@link #SNAPSHOT_MAX_AGE_NANOS}
 * earlier rather than each measuring the JVM again.
 */
public final class GovernorMetrics implements MeterBinder {
    /** Gauges read within this window share one stats() call. */
    static final long SNAPSHOT_MAX_AGE_NANOS = 100_000_000L;

    private final MemoryGovernor governor;
    private final io.cairn.memory.NanoClock clock;
    private final Tags tags;
    private MemoryStats cached;
    private long cachedAtNanos;

    public GovernorMetrics(MemoryGovernor governor) {
        this(governor, Tags.empty());
    }

    public GovernorMetrics(MemoryGovernor governor, Iterable<Tag> tags) {
        this.governor = Objects.requireNonNull(governor, "governor");
        this.clock = governor instanceof io.cairn.memory.JvmMemoryGovernor jvm ? jvm.config().clock()
                : io.cairn.memory.NanoClock.SYSTEM;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("blockstore.memory.usage.ratio", this, m -> m.stats().usageRatio())
                .description("Memory usage against the binding limit; levels are derived from it")
                .tags(tags).strongReference(true).register(registry);
        Gauge.builder("blockstore.memory.pressure.level", governor, g -> g.level().severity())
                .description("Pressure level: 0 NONE, 1 LOW, 2 MEDIUM, 3 HIGH, 4 CRITICAL")
                .tags(tags).strongReference(true).register(registry);

        bytes(registry, "blockstore.memory.budget", "Budget usage is measured against", MemoryStats::budgetBytes);
        bytes(registry, "blockstore.memory.used", "Bytes counted against the budget", MemoryStats::usedBytes);
        bytes(registry, "blockstore.memory.heap.used", "Heap in use, garbage included", MemoryStats::heapUsed);
        bytes(registry, "blockstore.memory.heap.committed", "Heap committed by the JVM", MemoryStats::heapCommitted);
        bytes(registry, "blockstore.memory.heap.max", "Heap limit", MemoryStats::heapMax);
        bytes(registry, "blockstore.memory.heap.live", "Estimated live heap (after the last GC)",
                MemoryStats::liveSetAfterGc);
        bytes(registry, "blockstore.memory.direct", "Direct buffers in use", MemoryStats::directBufferBytes);
        bytes(registry, "blockstore.memory.mapped", "Mapped buffers in use", MemoryStats::mappedBufferBytes);
        bytes(registry, "blockstore.memory.reserved", "Bytes held by reservations", MemoryStats::reservedBytes);
        bytes(registry, "blockstore.memory.rss", "Process resident set size, -1 if unknown",
                MemoryStats::processRssBytes);
        bytes(registry, "blockstore.memory.container.limit", "Container memory limit, -1 if none",
                MemoryStats::containerLimitBytes);
        bytes(registry, "blockstore.memory.container.usage",
                "What the kernel charges to the process's memory cgroup, -1 if unknown",
                MemoryStats::containerUsageBytes);
        bytes(registry, "blockstore.memory.kernel.charge",
                "The kernel's figure: the memory cgroup's anonymous + kernel memory (page cache left out), "
                        + "or the process's anonymous RSS outside a limited group; -1 if unknown",
                MemoryStats::kernelChargeBytes);

        for (MemoryStats.CollectorStats c : governor.stats().collectors()) {
            if (!c.countsCycles()) {
                continue;
            }
            String gc = c.name();
            FunctionCounter.builder("blockstore.gc.cycles", governor, g -> collector(this, gc, true))
                    .description("GC cycles completed, per collector")
                    .tags(tags).tag("gc", gc).register(registry);
            FunctionCounter.builder("blockstore.gc.time", governor, g -> collector(this, gc, false) / 1000.0)
                    .description("Time spent in GC, per collector")
                    .baseUnit("seconds")
                    .tags(tags).tag("gc", gc).register(registry);
        }
    }

    private void bytes(MeterRegistry registry, String name, String description, ToDoubleFunction<MemoryStats> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.stats()))
                .description(description).baseUnit(BaseUnits.BYTES)
                .tags(tags).strongReference(true).register(registry);
    }

    private static double collector(GovernorMetrics m, String gc, boolean count) {
        List<MemoryStats.CollectorStats> all = m.stats().collectors();
        for (MemoryStats.CollectorStats c : all) {
            if (c.name().equals(gc)) {
                return count ? c.count() : c.totalTimeMillis();
            }
        }
        return 0;
    }

    private synchronized MemoryStats stats() {
        long now = clock.nanoTime();
        if (cached == null || now - cachedAtNanos > SNAPSHOT_MAX_AGE_NANOS) {
            cached = governor.stats();
            cachedAtNanos = now;
        }
        return cached;
    }
}
