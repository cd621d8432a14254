package io.cairn.blockstore;

import io.cairn.cache.metrics.CacheMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Micrometer meters of a memory-aware block store stack. Names are Micrometer's dotted form; the
 * Prometheus registry renders them as {@code blockstore_rejected_ops_total},
 * {@code blockstore_cache_disabled_total}, {@code blockstore_cleanup_ops_total},
 * {@code blockstore_degradation_level}, {@code blockstore_bloom_status} and
 * {@code blockstore_bloom_size_bytes}, plus the {@link CacheMetrics} of the content cache
 * ({@code cache="blocks"}) and the has/size cache ({@code cache="has"}).
 */
public final class BlockstoreMetrics implements MeterBinder {
    private final MemoryAwareBlockstore store;

    public BlockstoreMetrics(MemoryAwareBlockstore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("blockstore.rejected.ops", store, MemoryAwareBlockstore::rejectedOps)
                .description("Writes refused because of memory pressure")
                .register(registry);
        FunctionCounter.builder("blockstore.cache.disabled", store, MemoryAwareBlockstore::cacheDisabledCount)
                .description("Times caching was switched off on entering HIGH pressure")
                .register(registry);
        FunctionCounter.builder("blockstore.cleanup.ops", store, MemoryAwareBlockstore::cleanupOps)
                .description("Cleanup actions taken under pressure (GC requests, cache emptying)")
                .register(registry);
        Gauge.builder("blockstore.degradation.level", store, MemoryAwareBlockstore::degradationLevel)
                .description("Degradation level: 0 full service .. 4 writes refused")
                .register(registry);

        CachingBlockstore caching = store.cachingLayer();
        if (caching == null) {
            return;
        }
        if (caching.contentCacheForMetrics() != null) {
            OffHeapCacheMetrics.bind(caching.contentCacheForMetrics(), "blocks", registry);
        }
        if (caching.metadataCacheForMetrics() != null) {
            new CacheMetrics(caching.metadataCacheForMetrics(), Tags.empty()).bindTo(registry);
        }
        Gauge.builder("blockstore.bloom.status", caching, c -> c.bloomStatus().ordinal())
                .description("Bloom filter: 0 disabled, 1 building, 2 ready, 3 failed")
                .register(registry);
        Gauge.builder("blockstore.bloom.size", caching, CachingBlockstore::bloomSizeBytes)
                .baseUnit("bytes")
                .description("Heap held by the Bloom filter")
                .register(registry);
    }
}
