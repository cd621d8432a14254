package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.memory.MemoryGovernor;
import io.cairn.s3.S3Blockstore;
import io.cairn.s3.S3DiskCache;
import io.cairn.s3.S3Settings;
import io.cairn.s3.S3StoreOptions;
import io.cairn.server.S3StoreConfig;
import io.cairn.server.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store at the bottom of the stack, as {@code store} says: flatfs in {@code DATA/blocks}, an S3
 * bucket (with its optional disk cache; the bucket is checked at open, and a clear error says what is
 * wrong), or memory.
 */
final class BaseStore {
    private final Blockstore store;
    private final ServerConfig config;
    private io.cairn.s3.S3Usage usage;

    private BaseStore(Blockstore store, ServerConfig config) {
        this.store = store;
        this.config = config;
    }

    static BaseStore open(ServerConfig config, MemoryGovernor governor, MeterRegistry registry) {
        BlockSizeLimit limit = BlockSizeLimit.of(config.maxBlockSize());
        return switch (config.store()) {
            case FLATFS -> {
                FlatFsBlockstore fs = FlatFsBlockstore.open(config.dataDir(), FlatFsOptions.builder()
                        .sync(config.fsync())
                        .blockSizeLimit(config.maxBlockSize())
                        .trackUsage(true)
                        .build());
                // What its views read small blocks into: native memory, counted as it is mapped.
                governor.registerConsumer("flatfs-read-buffers", MemoryGovernor.Residence.OFF_HEAP, fs::readBufferBytes);
                yield new BaseStore(fs, config);
            }
            case MEMORY -> new BaseStore(new MemoryBlockstore(limit), config);
            case S3 -> {
                S3StoreConfig c = config.s3();
                S3StoreOptions.Builder options = S3StoreOptions.builder().blockSizeLimit(limit).governor(governor);
                if (c.cacheDir() != null) {
                    options.diskCache(S3DiskCache.open(c.cacheDir(), c.cacheSizeBytes(), limit));
                }
                S3Blockstore s3 = S3Blockstore.open(S3Settings.of(c.endpoint(), c.region(), c.bucket(), c.prefix(), c.pathStyle()),
                        options.build());
                s3.bindTo(registry);
                yield new BaseStore(s3, config);
            }
        };
    }

    Blockstore store() {
        return store;
    }

    /**
     * Whether the server's has/size cache may remember absences: not over S3, where another node may
     * write any block (the S3 store keeps its own absences for at most 5 s).
     */
    boolean absencesStayTrue() {
        return !(store instanceof S3Blockstore);
    }

    /**
     * The disk governor over this store: flatfs counts its bytes exactly and knows its file system's
     * free space, so {@code storage-max} and ENOSPC apply to it; S3 counts the bytes its bucket
     * listing (every {@link io.cairn.s3.S3Usage#DEFAULT_INTERVAL}) and this node's own puts and deletes
     * since say, so {@code storage-max} and the GC watermark apply to it too, with no free-space
     * figure; memory reports nothing used, so {@code storage-max} does not limit it.
     */
    io.cairn.blockstore.StorageGovernor storageGovernor(io.cairn.blockstore.StorageLimits limits) {
        if (store instanceof FlatFsBlockstore fs) {
            return io.cairn.blockstore.StorageGovernor.over(fs, limits);
        }
        if (store instanceof S3Blockstore s3) {
            usage = io.cairn.s3.S3Usage.start(s3, io.cairn.s3.S3Usage.DEFAULT_INTERVAL);
            return new io.cairn.blockstore.StorageGovernor(limits, usage, () -> -1);
        }
        return new io.cairn.blockstore.StorageGovernor(limits, () -> 0, () -> -1);
    }

    /** Stops the S3 usage listing, if any. */
    void closeUsage() {
        if (usage != null) {
            usage.close();
        }
    }

    /** Whether the store is up but failing over to degraded service (S3's circuit breaker not closed). */
    boolean degraded() {
        return store instanceof S3Blockstore s3 && s3.degraded();
    }

    /** For /health: type and location. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", config.store().id());
        switch (store) {
            case FlatFsBlockstore fs -> {
                m.put("path", fs.flatFsDirectory().toString());
                m.put("sharding", fs.sharding());
                m.put("fsync", config.fsync());
            }
            case S3Blockstore s3 -> {
                m.putAll(s3.describe());
            }
            default -> {
            }
        }
        return m;
    }
}
