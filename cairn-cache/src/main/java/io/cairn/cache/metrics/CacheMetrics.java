package io.cairn.cache.metrics;

import io.cairn.cache.Cache;
import io.cairn.cache.RemovalCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Locale;
import java.util.Objects;

/**
 * Binds a {@link Cache}'s statistics to Micrometer, every meter tagged {@code cache=<name>}.
 * Prometheus names in brackets:
 * <ul>
 *   <li>{@code cache.gets} with {@code result=hit|miss} [cache_gets_total]</li>
 *   <li>{@code cache.loads} with {@code result=success|failure} [cache_loads_total]</li>
 *   <li>{@code cache.evictions} with {@code cause=size|expired|pressure} [cache_evictions_total]</li>
 *   <li>{@code cache.removals} with {@code cause=...}, every cause [cache_removals_total]</li>
 *   <li>{@code cache.evicted.bytes} [cache_evicted_bytes_total]</li>
 *   <li>{@code cache.size.bytes}: weighted size [cache_size_bytes]</li>
 *   <li>{@code cache.entries} [cache_entries]</li>
 *   <li>{@code cache.max.bytes}: the bound in force, governor trims included [cache_max_bytes]</li>
 *   <li>{@code cache.writes.pending}, {@code cache.write.failures} [cache_writes_pending, cache_write_failures_total]</li>
 * </ul>
 * The counters read {@link Cache#stats()}, so they stay at zero unless the cache was built with
 * {@code recordStats()}. Meters hold the cache weakly; a collected cache reads as NaN/0.
 */
public final class CacheMetrics implements MeterBinder {
    private final Cache<?, ?> cache;
    private final Tags tags;

    public CacheMetrics(Cache<?, ?> cache, Iterable<Tag> extraTags) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.tags = Tags.of("cache", cache.name()).and(extraTags);
    }

    /** Binds {@code cache} to {@code registry} and returns the cache. */
    public static <C extends Cache<?, ?>> C monitor(MeterRegistry registry, C cache, String... extraTags) {
        new CacheMetrics(cache, Tags.of(extraTags)).bindTo(registry);
        return cache;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("cache.gets", cache, c -> c.stats().hitCount())
                .tags(tags).tag("result", "hit").description("lookups that found a live entry").register(registry);
        FunctionCounter.builder("cache.gets", cache, c -> c.stats().missCount())
                .tags(tags).tag("result", "miss").description("lookups that found nothing").register(registry);
        FunctionCounter.builder("cache.loads", cache, c -> c.stats().loadSuccessCount())
                .tags(tags).tag("result", "success").register(registry);
        FunctionCounter.builder("cache.loads", cache, c -> c.stats().loadFailureCount())
                .tags(tags).tag("result", "failure").register(registry);
        for (RemovalCause cause : RemovalCause.values()) {
            String label = cause.name().toLowerCase(Locale.ROOT);
            if (cause.wasEvicted()) {
                FunctionCounter.builder("cache.evictions", cache, c -> c.stats().removals(cause))
                        .tags(tags).tag("cause", label).description("entries the cache removed on its own")
                        .register(registry);
            }
            FunctionCounter.builder("cache.removals", cache, c -> c.stats().removals(cause))
                    .tags(tags).tag("cause", label).register(registry);
        }
        FunctionCounter.builder("cache.evicted.bytes", cache, c -> c.stats().evictionWeight())
                .tags(tags).baseUnit("bytes").description("weight of the evicted entries").register(registry);
        Gauge.builder("cache.size.bytes", cache, Cache::weightedSize)
                .tags(tags).baseUnit("bytes").description("total weight of the cached entries").register(registry);
        Gauge.builder("cache.entries", cache, Cache::estimatedSize)
                .tags(tags).description("cached entries").register(registry);
        Gauge.builder("cache.max.bytes", cache, c -> c.policy().effectiveMaximum())
                .tags(tags).baseUnit("bytes").description("the bound in force").register(registry);
        Gauge.builder("cache.writes.pending", cache, c -> c.policy().pendingWrites())
                .tags(tags).description("write-behind writes not yet in the store").register(registry);
        FunctionCounter.builder("cache.write.failures", cache, c -> c.policy().writeFailures())
                .tags(tags).description("failed store writes, each retry counted").register(registry);
    }
}
