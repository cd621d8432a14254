package io.cairn.blockstore;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The off-heap content cache's meters, under the names the heap caches use ({@code cache.gets},
 * {@code cache.evictions}, {@code cache.size.bytes}, {@code cache.entries}, {@code cache.max.bytes},
 * tagged {@code cache=<name>}) so dashboards keep working, plus {@code cache.offheap.mapped.bytes}
 * and {@code cache.offheap.allocated.bytes} for the native memory behind it.
 */
final class OffHeapCacheMetrics {
    private OffHeapCacheMetrics() {
    }

    static void bind(OffHeapBlockCache cache, String name, MeterRegistry registry) {
        Tags tags = Tags.of("cache", name);
        FunctionCounter.builder("cache.gets", cache, OffHeapBlockCache::hits)
                .tags(tags).tag("result", "hit").description("lookups that found a live entry").register(registry);
        FunctionCounter.builder("cache.gets", cache, OffHeapBlockCache::misses)
                .tags(tags).tag("result", "miss").description("lookups that found nothing").register(registry);
        FunctionCounter.builder("cache.evictions", cache, c -> c.removals(OffHeapBlockCache.Cause.SIZE))
                .tags(tags).tag("cause", "size").description("entries the cache removed on its own").register(registry);
        FunctionCounter.builder("cache.evictions", cache, c -> c.removals(OffHeapBlockCache.Cause.PRESSURE))
                .tags(tags).tag("cause", "pressure").description("entries the cache removed on its own").register(registry);
        FunctionCounter.builder("cache.evicted.bytes", cache, OffHeapBlockCache::evictedBytes)
                .tags(tags).baseUnit("bytes").description("weight of the evicted entries").register(registry);
        Gauge.builder("cache.size.bytes", cache, OffHeapBlockCache::liveBytes)
                .tags(tags).baseUnit("bytes").description("keys and payloads of the cached blocks").register(registry);
        Gauge.builder("cache.entries", cache, OffHeapBlockCache::entries)
                .tags(tags).description("cached entries").register(registry);
        Gauge.builder("cache.max.bytes", cache, OffHeapBlockCache::effectiveMaximum)
                .tags(tags).baseUnit("bytes").description("the bound in force").register(registry);
        Gauge.builder("cache.offheap.mapped.bytes", cache, OffHeapBlockCache::mappedBytes)
                .tags(tags).baseUnit("bytes").description("native memory mapped for the cache").register(registry);
        Gauge.builder("cache.offheap.allocated.bytes", cache, c -> c.allocator().allocatedBytes())
                .tags(tags).baseUnit("bytes").description("native memory handed out to cached blocks").register(registry);
    }
}
