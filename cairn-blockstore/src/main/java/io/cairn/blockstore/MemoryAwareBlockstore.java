package io.cairn.blockstore;

import io.cairn.cache.GovernanceConfig;
import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block store that degrades step by step under memory pressure instead of failing with
 * {@link OutOfMemoryError}, and recovers by itself. Its degradation level is the governor's
 * pressure level:
 *
 * <table>
 *   <caption>degradation levels</caption>
 *   <tr><th>level</th><th>pressure</th><th>what happens</th></tr>
 *   <tr><td>0</td><td>NONE</td><td>full service</td></tr>
 *   <tr><td>1</td><td>LOW</td><td>the governor samples more often</td></tr>
 *   <tr><td>2</td><td>MEDIUM</td><td>a (rate-limited) GC is requested; caches trimmed to 75 %</td></tr>
 *   <tr><td>3</td><td>HIGH</td><td>caches stop admitting (with {@code disableCacheOnHigh}) and are
 *       trimmed to 25 %</td></tr>
 *   <tr><td>4</td><td>CRITICAL</td><td>writes refused with {@link MemoryPressureException} (with
 *       {@code rejectWritesOnCritical}); caches emptied; GC requested</td></tr>
 * </table>
 * Reads are served at every level. Cache trimming is done by the caches themselves, which follow
 * the same governor (see {@link #stack}); this class refuses writes, asks for collections, and keeps
 * the counts the metrics export.
 *
 * <p>Every write is checked against the governor ({@code wouldFit}) before it reaches the store, so
 * a write that would push usage past CRITICAL is refused even before the level gets there. Callers
 * that allocate for a write (a server reading a request body) reserve those bytes themselves,
 * before allocating, and make the write inside {@link #writeReserved}: such a write was admitted
 * when its bytes were reserved and is not refused again (see there why). A write that returns
 * normally is stored; a refused write stored nothing.
 *
 * <p>It stays a {@link Blockstore} with the {@link Viewer} and {@link GcLocker} capabilities of what
 * it wraps.
 */
public final class MemoryAwareBlockstore extends ForwardingBlockstore {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryAwareBlockstore.class);

    /** Bytes the current thread's caller holds reserved for the writes it is making (see writeReserved). */
    private static final ScopedValue<Long> RESERVED_FOR_WRITE = ScopedValue.newInstance();

    private final MemoryGovernor governor;
    private final boolean ownsGovernor;
    private final MemoryAwareConfig config;
    private final MemoryGovernor.Registration subscription;
    private final LongAdder rejectedOps = new LongAdder();
    private final LongAdder cacheDisabled = new LongAdder();
    private final LongAdder cleanupOps = new LongAdder();

    private MemoryAwareBlockstore(Blockstore delegate, MemoryGovernor governor, boolean ownsGovernor,
                                  MemoryAwareConfig config) {
        super(delegate);
        this.governor = Objects.requireNonNull(governor, "governor");
        this.ownsGovernor = ownsGovernor;
        this.config = Objects.requireNonNull(config, "config");
        this.subscription = governor.addListener(this::onPressureChange);
    }

    /** Wraps {@code delegate}, following a governor the caller owns (and closes). */
    public static MemoryAwareBlockstore wrap(Blockstore delegate, MemoryGovernor governor, MemoryAwareConfig config) {
        return new MemoryAwareBlockstore(delegate, governor, false, config);
    }

    /**
     * Wraps {@code delegate} with a governor of its own, budgeted by {@code config.maxMemoryBytes()}
     * and sampling every {@code config.checkInterval()}; closing the store closes the governor.
     */
    public static MemoryAwareBlockstore create(Blockstore delegate, MemoryAwareConfig config) {
        GovernorConfig.Builder gc = GovernorConfig.builder().samplerInterval(config.checkInterval());
        if (config.maxMemoryBytes() > 0) {
            gc.maxMemoryBytes(config.maxMemoryBytes());
        }
        return new MemoryAwareBlockstore(delegate, JvmMemoryGovernor.start(gc.build()), true, config);
    }

    /**
     * The full memory-aware stack over {@code base} (which should already answer identity CIDs and
     * validate as wanted, see {@link Blockstores#layered}): a {@link CachingBlockstore} whose caches
     * follow {@code governor}, under a {@code MemoryAwareBlockstore} following the same governor.
     */
    public static MemoryAwareBlockstore stack(Blockstore base, MemoryGovernor governor, MemoryAwareConfig config) {
        GovernanceConfig governance = GovernanceConfig.builder()
                .aggressiveness(config.cleanupAggressiveness())
                .admit(PressureLevel.HIGH, !config.disableCacheOnHigh())
                .build();
        CachingBlockstore caching = CachingBlockstore.wrap(base, config.caching(), governor, governance);
        return wrap(caching, governor, config);
    }

    /**
     * Runs {@code writes} (puts on any memory-aware store, through any layers above it) as writes
     * whose bytes the caller already holds a reservation of {@code reservedBytes} for: the bytes
     * were admitted when they were reserved, so a write of at most {@code reservedBytes} is not
     * refused again, at any level. Larger writes are checked as usual.
     *
     * <p>Refusing them would turn a flood into a livelock. Uploads waiting to be stored hold
     * reservations that keep usage at the CRITICAL line, every write is refused because of those
     * very reservations, and the refused uploads are retried and reserve again; nothing is stored
     * while the level stays up. Storing an admitted block is how its bytes are given back. A flood
     * is turned away where it enters, when a reservation is refused.
     */
    public static void writeReserved(long reservedBytes, Runnable writes) {
        if (reservedBytes < 0) {
            throw new IllegalArgumentException("reserved bytes must not be negative, got " + reservedBytes);
        }
        ScopedValue.where(RESERVED_FOR_WRITE, reservedBytes).run(writes);
    }

    /** The current degradation level, 0 (full service) to 4 (writes refused). */
    public int degradationLevel() {
        return governor.level().severity();
    }

    public PressureLevel pressureLevel() {
        return governor.level();
    }

    public MemoryGovernor governor() {
        return governor;
    }

    public MemoryAwareConfig config() {
        return config;
    }

    /** Writes refused because of memory pressure, since start. */
    public long rejectedOps() {
        return rejectedOps.sum();
    }

    /** Times caching was switched off on entering HIGH, since start. */
    public long cacheDisabledCount() {
        return cacheDisabled.sum();
    }

    /** Cleanup actions taken (GC requests and cache emptying), since start. */
    public long cleanupOps() {
        return cleanupOps.sum();
    }

    /** The caching layer directly below, if the stack has one (for metrics). */
    public CachingBlockstore cachingLayer() {
        return delegate() instanceof CachingBlockstore c ? c : null;
    }

    @Override
    public void put(Block block) {
        admitWrite(block.size());
        super.put(block);
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        long total = 0;
        for (Block b : blocks) {
            total += b.size();
        }
        admitWrite(total);
        super.putMany(blocks);
    }

    /**
     * Refuses a write at CRITICAL, or when its bytes would take usage past the CRITICAL threshold.
     * The block is already in memory when it reaches the store, so this asks whether it fits rather
     * than reserving: a reservation tells the governor "these bytes are about to be allocated", and
     * the governor keeps counting released reservations until a collection has seen them, so
     * reserving bytes that were allocated long ago would count every stored block twice.
     */
    private void admitWrite(long bytes) {
        if (!config.rejectWritesOnCritical()) {
            return;
        }
        if (RESERVED_FOR_WRITE.isBound() && bytes <= RESERVED_FOR_WRITE.get()) {
            return;
        }
        PressureLevel level = governor.level();
        if (level == PressureLevel.CRITICAL || !governor.wouldFit(bytes)) {
            rejectedOps.increment();
            MemoryStats s = governor.stats();
            throw new MemoryPressureException("write of " + bytes + " bytes refused", s.level(), bytes,
                    s.usedBytes(), s.budgetBytes(), config.retryAfter());
        }
    }

    private void onPressureChange(PressureLevel previous, PressureLevel current, MemoryStats stats) {
        if (current.compareTo(previous) <= 0) {
            LOG.info("memory pressure eased: {} -> {} ({} of {} bytes)", previous, current, stats.usedBytes(), stats.budgetBytes());
            return;
        }
        LOG.warn("memory pressure rose: {} -> {} ({} of {} bytes)", previous, current, stats.usedBytes(), stats.budgetBytes());
        if (current.atLeast(PressureLevel.HIGH) && previous.compareTo(PressureLevel.HIGH) < 0 && config.disableCacheOnHigh()) {
            cacheDisabled.increment();
        }
        if (current.atLeast(PressureLevel.MEDIUM)) {
            cleanupOps.increment();
            governor.requestGc();
        }
        if (current == PressureLevel.CRITICAL) {
            CachingBlockstore caching = cachingLayer();
            if (caching != null) {
                // The caches empty themselves on CRITICAL; run their maintenance now rather than on the next write.
                cleanupOps.increment();
                caching.cleanUp();
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
        try {
            super.close();
        } finally {
            if (ownsGovernor) {
                governor.close();
            }
        }
    }
}
