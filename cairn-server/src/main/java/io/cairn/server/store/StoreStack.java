package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.IdentityBlockstore;
import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.server.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where the server's store is assembled from configuration, outermost first:
 * <pre>
 * MeteredBlockstore → [MemoryAwareBlockstore → CachingBlockstore] → IdentityBlockstore → FlatFsBlockstore
 * </pre>
 * together with the process's {@link MemoryGovernor}. Closing the stack closes the store (flushing
 * whatever a write-behind layer holds) and then the governor.
 */
public final class StoreStack implements AutoCloseable {
    private final MemoryGovernor governor;
    private final FlatFsBlockstore base;
    private final Blockstore top;
    private final ServerConfig config;
    private volatile boolean closed;

    private StoreStack(ServerConfig config, MemoryGovernor governor, FlatFsBlockstore base, Blockstore top) {
        this.config = config;
        this.governor = governor;
        this.base = base;
        this.top = top;
    }

    /** Creates the governor and opens the store under {@code config.dataDir()}. */
    public static StoreStack open(ServerConfig config, MeterRegistry registry) {
        MemoryGovernor governor = createGovernor(config);
        try {
            FlatFsBlockstore base = FlatFsBlockstore.open(config.dataDir(), FlatFsOptions.builder()
                    .sync(config.fsync())
                    .blockSizeLimit(config.maxBlockSize())
                    .build());
            Blockstore top = memoryLayers(new IdentityBlockstore(base), governor, config, registry);
            return new StoreStack(config, governor, base, new MeteredBlockstore(top, registry));
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
     * SLOT for the memory-aware layers. MemoryAwareBlockstore (refuses writes at level 4, degrades the
     * cache) and CachingBlockstore (sized by {@code cache-size}) wrap {@code identity} here once they
     * exist; until then writes at level 4 are refused by the RPC layer's own governor check and
     * reservations, and reads go straight to flatfs.
     */
    private static Blockstore memoryLayers(Blockstore identity, MemoryGovernor governor, ServerConfig config,
                                           MeterRegistry registry) {
        return identity;
    }

    public Blockstore blockstore() {
        return top;
    }

    public MemoryGovernor governor() {
        return governor;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** For /health: the store's kind, where it lives and whether it is open. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", closed ? "closed" : "open");
        m.put("type", "flatfs");
        m.put("path", base.flatFsDirectory().toString());
        m.put("sharding", base.sharding());
        m.put("fsync", config.fsync());
        return m;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            top.close();
        } finally {
            governor.close();
        }
    }
}
