package io.cairn.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governor's connection to the JVM's management beans: memory pools, buffer pools, collectors
 * and their notifications. Everything it subscribes to or changes, {@link #close()} undoes, so a
 * closed governor leaves no listener behind in the platform MBeans (which live as long as the JVM
 * and would otherwise pin the governor).
 */
final class JmxSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JmxSignals.class);
    /** Threshold moves smaller than this are not worth a call into the VM. */
    static final long MIN_THRESHOLD_MOVE = 1L << 20;

    /** One collection as the governor needs it. */
    /**
     * One finished collection. {@code major}: it covered the old generation too (G1's full
     * collections, a ZGC major cycle), so its after-GC figure is as good a live-set reading as a
     * requested collection would give.
     */
    record Collection(String collector, LiveSetEstimator.Kind kind, long heapAfter, long oldAfter, long durationMillis,
                      long endUptimeMillis, boolean major) {
    }

    private final MemoryMXBean memoryBean = ManagementFactory.getMemoryMXBean();
    private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    private final List<MemoryPoolMXBean> oldPools = new ArrayList<>();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final BufferPoolMXBean directPool;
    private final BufferPoolMXBean mappedPool;
    private final Map<String, Long> lastDurationMillis = new ConcurrentHashMap<>();

    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Subscription> everAdded = new ArrayList<>();
    /** Pool thresholds this instance set and still owns; guarded by this. */
    private final List<OwnedThreshold> owned = new ArrayList<>();

    /** A usage (or collection-usage) threshold the governor set on a pool, and its current value. */
    private static final class OwnedThreshold {
        final MemoryPoolMXBean pool;
        final boolean collectionUsage;
        long value;

        OwnedThreshold(MemoryPoolMXBean pool, boolean collectionUsage, long value) {
            this.pool = pool;
            this.collectionUsage = collectionUsage;
            this.value = value;
        }

        long current() {
            return collectionUsage ? pool.getCollectionUsageThreshold() : pool.getUsageThreshold();
        }

        void set(long v) {
            if (collectionUsage) {
                pool.setCollectionUsageThreshold(v);
            } else {
                pool.setUsageThreshold(v);
            }
            value = v;
        }
    }

    record Subscription(NotificationEmitter emitter, NotificationListener listener) {
    }

    /**
     * @param onCollection called on the JMX notification thread after each collection that says
     *                     something about the live set (not for pause-only reports)
     * @param onThreshold  called when a pool crosses a usage or collection-usage threshold
     * @param thresholdRatio where to set the old pools' thresholds, as a share of their max
     */
    JmxSignals(Consumer<Collection> onCollection, Runnable onThreshold, double thresholdRatio) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                heapPools.add(pool);
                if (isOldPool(pool.getName())) {
                    oldPools.add(pool);
                }
            }
        }
        BufferPoolMXBean direct = null;
        BufferPoolMXBean mapped = null;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool;
            } else if (pool.getName().equals("mapped")) {
                mapped = pool;
            }
        }
        this.directPool = direct;
        this.mappedPool = mapped;

        try {
            for (GarbageCollectorMXBean gc : collectors) {
                if (gc instanceof NotificationEmitter emitter) {
                    NotificationListener listener = (n, handback) -> handleGc(n, onCollection);
                    emitter.addNotificationListener(listener, null, null);
                    subscriptions.add(new Subscription(emitter, listener));
                    everAdded.add(new Subscription(emitter, listener));
                }
            }
            if (memoryBean instanceof NotificationEmitter emitter) {
                NotificationListener listener = (n, handback) -> {
                    String type = n.getType();
                    if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(type)
                            || MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(type)) {
                        onThreshold.run();
                    }
                };
                emitter.addNotificationListener(listener, null, null);
                subscriptions.add(new Subscription(emitter, listener));
                everAdded.add(new Subscription(emitter, listener));
            }
            setThresholds(thresholdRatio);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Heap in use outside the old-generation pools now, or -1 if the heap has no old pool. */
    static long youngUsedNow() {
        long young = 0;
        boolean hasOld = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                if (isOldPool(pool.getName())) {
                    hasOld = true;
                } else {
                    young += pool.getUsage().getUsed();
                }
            }
        }
        return hasOld ? young : -1;
    }

    /** Generational pools that hold long-lived objects: G1, Parallel, Serial and generational ZGC. */
    static boolean isOldPool(String name) {
        return name.contains("Old") || name.contains("Tenured");
    }

    /**
     * Which reports describe the live set. "end of minor GC" / "end of major GC" come from
     * stop-the-world collections; "end of GC cycle" from concurrent ones (ZGC, Shenandoah). Pause
     * reports of concurrent collectors ("end of GC pause", G1's remark and cleanup) show the heap
     * mid-cycle with garbage in it, so they only update the pause statistics.
     */
    static LiveSetEstimator.Kind classify(String gcAction) {
        if (gcAction == null) {
            return null;
        }
        if (gcAction.contains("minor GC") || gcAction.contains("major GC")) {
            return LiveSetEstimator.Kind.STOP_THE_WORLD;
        }
        if (gcAction.contains("cycle")) {
            return LiveSetEstimator.Kind.CONCURRENT;
        }
        return null;
    }

    private void handleGc(Notification n, Consumer<Collection> onCollection) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        try {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long duration = info.getGcInfo().getDuration();
            lastDurationMillis.put(info.getGcName(), duration);
            LiveSetEstimator.Kind kind = classify(info.getGcAction());
            if (kind == null) {
                return;
            }
            long heapAfter = 0;
            long oldAfter = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (isHeapPool(e.getKey())) {
                    heapAfter += e.getValue().getUsed();
                    if (isOldPool(e.getKey())) {
                        oldAfter += e.getValue().getUsed();
                    }
                }
            }
            boolean major = info.getGcAction().contains("major") || info.getGcName().contains("Major");
            onCollection.accept(new Collection(info.getGcName(), kind, heapAfter, oldAfter, duration,
                    info.getGcInfo().getEndTime(), major));
        } catch (RuntimeException e) {
            // A malformed notification must not kill the JVM's notification thread.
            LOG.debug("ignored a GC notification the governor could not read", e);
        }
    }

    private boolean isHeapPool(String name) {
        for (MemoryPoolMXBean pool : heapPools) {
            if (pool.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Pool thresholds are process-wide settings, so the governor only claims ones nobody has set
     * (0), moves only those still holding the value it last set, and gives those back on close.
     */
    private synchronized void setThresholds(double ratio) {
        for (MemoryPoolMXBean pool : oldPools) {
            long max = pool.getUsage().getMax();
            if (max <= 0) {
                continue;
            }
            long value = Math.max(1, (long) (max * ratio));
            try {
                if (pool.isCollectionUsageThresholdSupported() && pool.getCollectionUsageThreshold() == 0) {
                    OwnedThreshold t = new OwnedThreshold(pool, true, value);
                    t.set(value);
                    owned.add(t);
                }
                if (pool.isUsageThresholdSupported() && pool.getUsageThreshold() == 0) {
                    OwnedThreshold t = new OwnedThreshold(pool, false, value);
                    t.set(value);
                    owned.add(t);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not set a threshold on pool {}", pool.getName(), e);
            }
        }
    }

    /**
     * Moves the old-generation usage threshold to {@code growthBytes} above the pool's current use,
     * so the JVM reports old-generation growth (G1 allocates humongous objects straight into it)
     * as soon as it would carry usage into the next level, without waiting for a sample. Small
     * moves are skipped: each one is a call into the VM.
     */
    synchronized void retargetOldUsageThreshold(long growthBytes) {
        for (OwnedThreshold t : owned) {
            if (t.collectionUsage) {
                continue;
            }
            try {
                if (t.current() != t.value) {
                    continue; // someone else took the pool's threshold over; leave it to them
                }
                MemoryUsage usage = t.pool.getUsage();
                long max = usage.getMax() > 0 ? usage.getMax() : Long.MAX_VALUE;
                long target = Math.min(max, usage.getUsed() + Math.max(growthBytes, MIN_THRESHOLD_MOVE));
                if (Math.abs(target - t.value) >= MIN_THRESHOLD_MOVE) {
                    t.set(target);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not move the threshold on pool {}", t.pool.getName(), e);
            }
        }
    }

    MemoryUsage heapUsage() {
        return memoryBean.getHeapMemoryUsage();
    }

    /** Old-generation pools in use now, or -1 if the heap has no old pool. */
    long oldUsedNow() {
        if (oldPools.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (MemoryPoolMXBean pool : oldPools) {
            sum += pool.getUsage().getUsed();
        }
        return sum;
    }

    long directBytes() {
        return directPool == null ? 0 : Math.max(0, directPool.getMemoryUsed());
    }

    long mappedBytes() {
        return mappedPool == null ? 0 : Math.max(0, mappedPool.getMemoryUsed());
    }

    List<MemoryStats.CollectorStats> collectorStats() {
        List<MemoryStats.CollectorStats> result = new ArrayList<>(collectors.size());
        for (GarbageCollectorMXBean gc : collectors) {
            result.add(new MemoryStats.CollectorStats(gc.getName(), gc.getCollectionCount(),
                    gc.getCollectionTime(), lastDurationMillis.getOrDefault(gc.getName(), -1L)));
        }
        return result;
    }

    /** Every listener this instance ever added, for tests that check close removed them. */
    List<Subscription> addedListeners() {
        return List.copyOf(everAdded);
    }

    @Override
    public synchronized void close() {
        for (Subscription s : subscriptions) {
            try {
                s.emitter().removeNotificationListener(s.listener());
            } catch (ListenerNotFoundException e) {
                // Already gone: closing is idempotent.
            }
        }
        subscriptions.clear();
        for (OwnedThreshold t : owned) {
            try {
                if (t.current() == t.value) {
                    t.set(0);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not reset a threshold on pool {}", t.pool.getName(), e);
            }
        }
        owned.clear();
    }
}
