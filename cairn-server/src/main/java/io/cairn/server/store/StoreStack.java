package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.BlockstoreMetrics;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.Blockstores;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.blockstore.MemoryAwareConfig;
import io.cairn.blockstore.StorageGovernor;
import io.cairn.blockstore.StorageLimitedBlockstore;
import io.cairn.blockstore.StorageLimits;
import io.cairn.blockstore.StorageMetrics;
import io.cairn.blockstore.StorageStatus;
import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.GarbageCollector;
import io.cairn.pin.PinLockingBlockstore;
import io.cairn.pin.PinStore;
import io.cairn.pin.Pinner;
import io.cairn.pin.SweepGuard;
import io.cairn.redis.InvalidationBus;
import io.cairn.redis.RedisBlockTier;
import io.cairn.server.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the server's store is assembled from configuration, outermost first:
 * <pre>
 * MeteredBlockstore → PinLockingBlockstore → MemoryAwareBlockstore → CachingBlockstore
 *   → StorageLimitedBlockstore → IdentityBlockstore → IntegrityBlockstore → base (flatfs, S3 or memory)
 * </pre>
 * (with {@code redis} or {@code redis-cluster} set, a {@code RedisBlockTier} sits between the
 * integrity layer and the base store, see {@link RedisTierSetup})
 * (or, with {@code store = s3 | memory}, an {@code S3Blockstore} or {@code MemoryBlockstore} at the bottom; see {@link BaseStore})
 * together with the process's {@link MemoryGovernor} and the pins ({@code DATA/pins}, or the bucket
 * over S3, see {@link SharedPins}) with their {@link Pinner} and {@link GarbageCollector}. Closing the stack closes the store (flushing
 * whatever a write-behind layer holds) and then the governor.
 */
public final class StoreStack implements AutoCloseable {
    private final MemoryGovernor governor;
    private final BaseStore base;
    private final MemoryAwareBlockstore memoryAware;
    private final Blockstore top;
    private final ServerConfig config;
    private final PinStore pins;
    private final Pinner pinner;
    private final GarbageCollector collector;
    private Blockstore redisLayer;
    private InvalidationBus bus;
    private StorageGovernor storage;
    private AutoGc autoGc;
    private final CollectionLease lease;
    private volatile boolean closed;

    private StoreStack(ServerConfig config, MemoryGovernor governor, BaseStore base,
                       MemoryAwareBlockstore memoryAware, Blockstore top, PinStore pins, SweepGuard guard,
                       CollectionLease lease) {
        this.config = config;
        this.governor = governor;
        this.base = base;
        this.memoryAware = memoryAware;
        this.top = top;
        this.pins = pins;
        this.pinner = new Pinner(top, pins, guard);
        this.collector = new GarbageCollector(top, pins, guard, lease);
        this.lease = lease;
    }

    /** Creates the governor and opens the store under {@code config.dataDir()}. */
    public static StoreStack open(ServerConfig config, MeterRegistry registry) {
        MemoryGovernor governor = createGovernor(config);
        try {
            BaseStore base = BaseStore.open(config, governor, registry);
            Blockstore l2 = RedisTierSetup.over(base.store(), config.redis().endpoint(), config.redis().options(),
                    governor, registry);
            // Every read is checked against its multihash just above the base store (corrupt blocks
            // are quarantined and answer as missing); disk use is governed below the caches.
            Blockstore layered = Blockstores.layered(l2, false);
            StorageGovernor storage = base.storageGovernor(
                    StorageLimits.of(config.storageMaxBytes(), config.storageGcWatermarkPercent()));
            new StorageMetrics(Blockstores.integrityLayer(layered), storage).bindTo(registry);
            MemoryAwareBlockstore memoryAware = memoryLayers(new StorageLimitedBlockstore(layered, storage), governor,
                    config, registry, base.absencesStayTrue());
            PinStore pins;
            try {
                pins = SharedPins.open(config, base.store());
            } catch (RuntimeException e) {
                memoryAware.close();
                throw e;
            }
            CollectionLease lease = SharedPins.lease(config, pins);
            // Every write takes the shared pin lock and is recorded in the guard, so a garbage
            // collection never deletes a block put while it runs (see PinLockingBlockstore).
            // Over a shared bucket, writes and pins are also recorded for a collection on any node.
            SweepGuard guard = SharedPins.guard(config, pins, lease, base.store());
            // With the Redis tier, deletes are announced to the other nodes sharing the store and
            // their announcements drop this node's cached copies (SharedInvalidation).
            Optional<InvalidationBus> bus = l2 instanceof RedisBlockTier
                    ? SharedInvalidation.connect(config.redis().endpoint().orElseThrow(), config.redis().options())
                    : Optional.empty();
            bus.ifPresent(b -> SharedInvalidation.listen(b, memoryAware::cachingLayer, l2, base.store(), registry));
            Blockstore deletes = bus.<Blockstore>map(b -> new PublishingDeletes(memoryAware, b)).orElse(memoryAware);
            Blockstore top = new MeteredBlockstore(new PinLockingBlockstore(deletes, guard), registry);
            StoreStack stack = new StoreStack(config, governor, base, memoryAware, top, pins, guard, lease);
            stack.redisLayer = l2;
            stack.bus = bus.orElse(null);
            stack.storage = storage;
            if (config.storageMaxBytes() > 0) {
                // With storage-max set, GC runs by itself at the watermark.
                stack.autoGc = new AutoGc(stack.collector, AutoGc.MIN_INTERVAL, System::nanoTime);
                storage.addWatermarkListener(stack.autoGc);
            }
            return stack;
        } catch (RuntimeException e) {
            governor.close();
            throw e;
        }
    }

    static MemoryGovernor createGovernor(ServerConfig config) {
        GovernorConfig gc = GovernorConfig.builder()
                .maxMemoryBytes(config.maxMemoryBytes() > 0 ? config.maxMemoryBytes() : 0)
                .build();
        return JvmMemoryGovernor.start(gc);
    }

    /**
     * The memory-aware layers: a {@link CachingBlockstore} (content cache of {@code cache-size} bytes
     * of native memory, CLOCK, plus the has/size cache) whose caches shrink and stop admitting as the governor says,
     * under a {@link MemoryAwareBlockstore} that refuses writes at level 4 and asks for collections.
     */
    private static MemoryAwareBlockstore memoryLayers(Blockstore identity, MemoryGovernor governor, ServerConfig config,
                                                      MeterRegistry registry, boolean absencesStayTrue) {
        CachingBlockstore.Options caching = CachingBlockstore.Options.defaults().withContentCacheBytes(effectiveCacheBytes(config, governor));
        if (!absencesStayTrue) {
            caching = caching.withMetadataCacheEntries(0); // S3: the store's own has/size table forgets absences within 5 s
        }
        MemoryAwareConfig mac = MemoryAwareConfig.builder()
                .caching(caching)
                .build();
        MemoryAwareBlockstore stack = MemoryAwareBlockstore.stack(identity, governor, mac);
        new BlockstoreMetrics(stack).bindTo(registry);
        return stack;
    }

    /**
     * The content cache's native memory. Unset ({@code -1}), a quarter of the governor's budget; set,
     * {@code cache-size}, but at most half the budget. The cache lives off the heap, so it may be
     * larger than the heap, but its bytes count toward the budget (the governor sees every mapped
     * region), and a cache near the budget keeps the process above the MEDIUM threshold on its own:
     * trimmed to 75 % at MEDIUM it would still hold more than 70 % of the budget (the exit line),
     * so the level would never fall back and writes would stay squeezed. At half the budget the
     * cache alone stays below LOW (60 %). For a 1 GiB cache under {@code -Xmx128m}, set
     * {@code max-memory} to 2g or more.
     */
    static long effectiveCacheBytes(ServerConfig config, MemoryGovernor governor) {
        long budget = governor.budgetBytes();
        if (config.cacheSizeBytes() < 0) {
            return budget / 4;
        }
        return Math.min(config.cacheSizeBytes(), budget / 2);
    }

    /** The content cache's byte budget actually in force (see {@link #effectiveCacheBytes}). */
    public long cacheBytes() {
        return effectiveCacheBytes(config, governor);
    }

    /** The current degradation level (0..4), as the memory-aware layer sees it. */
    public int degradationLevel() {
        return memoryAware.degradationLevel();
    }

    public Blockstore blockstore() {
        return top;
    }

    /**
     * The block's bytes if the content cache holds them now, pinned until the lease is closed and
     * counted as a read hit; null otherwise, with nothing read or counted. For callers that must not
     * block (the gateway's I/O threads): the store is never read.
     */
    public io.cairn.blockstore.BlockBytes openCached(io.cairn.cid.Cid cid) {
        CachingBlockstore caching = memoryAware.cachingLayer();
        io.cairn.blockstore.BlockBytes bytes = caching == null ? null : caching.openIfCached(cid);
        if (bytes != null && top instanceof MeteredBlockstore metered) {
            metered.countHit();
        }
        return bytes;
    }

    public MemoryGovernor governor() {
        return governor;
    }

    /** Pins over this store (Kubo's rules), kept in {@code DATA/pins} or, over S3, in the bucket. */
    public Pinner pinner() {
        return pinner;
    }

    /** The garbage collector over this store and its pins; callable from anywhere. */
    public GarbageCollector garbageCollector() {
        return collector;
    }

    /**
     * The disk governor: {@code storage-max}, the GC watermark, ENOSPC. Register the garbage
     * collector with {@link StorageGovernor#addWatermarkListener} to run it at the watermark.
     */
    public StorageGovernor storage() {
        return storage;
    }


    public boolean isOpen() {
        return !closed;
    }

    /** For /health: the store's kind, where it lives and whether it is open. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", closed ? "closed" : "open");
        m.putAll(base.describe());
        m.put("degraded", base.degraded());
        CachingBlockstore caching = memoryAware.cachingLayer();
        m.put("cacheBudgetBytes", cacheBytes());
        m.put("cachedBytes", caching == null ? 0 : caching.cachedBytes());
        m.put("rejectedWrites", memoryAware.rejectedOps());
        StorageStatus s = storage.status();
        Map<String, Object> disk = new LinkedHashMap<>();
        disk.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        disk.put("reason", s.reason());
        disk.put("usedBytes", s.usedBytes());
        disk.put("maxBytes", s.maxBytes());
        disk.put("watermarkBytes", s.watermarkBytes());
        disk.put("freeBytes", s.usableBytes());
        m.put("storage", disk);
        m.put("pins", pins.describe());
        Map<String, Object> redis = RedisTierSetup.describe(redisLayer, config.redis().endpoint());
        if (bus instanceof io.cairn.redis.LettuceInvalidationBus b) {
            // the Redis node whose invalidation subscription is open, or "none" while it is moving
            redis.put("invalidations", b.subscribedTo().orElse("none"));
        }
        if (!redis.isEmpty()) {
            m.put("redis", redis);
        }
        return m;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (autoGc != null) {
                autoGc.close();
            }
            if (bus != null) {
                bus.close();
            }
            if (lease instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
            base.closeUsage();
            pins.close();
            top.close();
        } finally {
            governor.close();
        }
    }
}
