package io.cairn.blockstore;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of a store's integrity and disk use. Prometheus names: {@code blockstore_corrupt_blocks_total}
 * (blocks found corrupt on read and quarantined), {@code blockstore_storage_used_bytes},
 * {@code blockstore_storage_free_bytes} (what the file system can still give), {@code
 * blockstore_storage_max_bytes} (0 = no limit), {@code blockstore_storage_full} (1 while writes are
 * refused for lack of storage) and {@code blockstore_storage_refused_writes_total}.
 */
public final class StorageMetrics implements MeterBinder {
    private final IntegrityBlockstore integrity;
    private final StorageGovernor storage;

    /** Either may be {@code null}, and its meters are left out. */
    public StorageMetrics(IntegrityBlockstore integrity, StorageGovernor storage) {
        this.integrity = integrity;
        this.storage = storage;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (integrity != null) {
            FunctionCounter.builder("blockstore.corrupt.blocks", integrity, IntegrityBlockstore::corruptBlocks)
                    .description("Blocks whose bytes did not hash to their CID on read; quarantined, answered as missing")
                    .register(registry);
        }
        if (storage != null) {
            Gauge.builder("blockstore.storage.used", storage, s -> s.status().usedBytes()).baseUnit("bytes")
                    .description("Bytes in block files").register(registry);
            Gauge.builder("blockstore.storage.free", storage, s -> s.status().usableBytes()).baseUnit("bytes")
                    .description("Bytes the file system can still give the store (-1 unknown)").register(registry);
            Gauge.builder("blockstore.storage.max", storage, s -> s.limits().maxBytes()).baseUnit("bytes")
                    .description("storage-max, 0 for no limit").register(registry);
            Gauge.builder("blockstore.storage.full", storage, s -> s.status().full() ? 1 : 0)
                    .description("1 while writes are refused for lack of storage").register(registry);
            FunctionCounter.builder("blockstore.storage.refused.writes", storage, StorageGovernor::refusedWrites)
                    .description("Writes refused for lack of storage (storage-max or a full file system)")
                    .register(registry);
        }
    }
}
