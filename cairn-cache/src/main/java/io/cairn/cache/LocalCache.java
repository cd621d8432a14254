package io.cairn.cache;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The cache engine's core: the map, the eviction policy's upkeep, the weight and the maintenance.
 * Data lives in a {@link NodeTable} (the nodes are the map's entries), changed under a short
 * <em>table lock</em> that also guards the {@link WriteLog}; the policy, the expiry queues and the
 * weight are guarded by the <em>eviction lock</em> ({@link #lock}). Reads are lock-free and
 * recorded through a {@link ReadBuffer}. A write changes the table and logs the change under the
 * table lock only; whoever holds the eviction lock next (the calling thread under {@code tryLock},
 * or the maintenance executor) replays the buffered reads, then the logged writes, in order, and
 * evicts to the bound. Lock order: eviction lock, then table lock. Removal listeners run after the
 * locks are released.
 *
 * <p>The other concerns have their own files: {@link Expiry} (both kinds of expiry),
 * {@link Loading} (load coalescing and refresh-ahead), {@link Governance} (the governor and
 * admission), {@link Pacer} (maintenance over time); writing to a store is a decorator around this
 * class ({@link WriteThroughCache}, {@link WriteBehindCache}). See docs/CACHE.md.
 */
final class LocalCache<K, V> implements Cache<K, V> {
    private static final Logger log = LoggerFactory.getLogger(LocalCache.class);
    /**
     * Large removals (a governor trim, a shrink, invalidateAll) release the lock every this many
     * entries: readers' buffers and writers get a turn, and removal notifications go out in chunks
     * instead of piling up a list as long as the cache at the moment memory is shortest.
     */
    private static final int REMOVAL_BATCH = 1024;
    /** Tries of the table lock before a writer parks (see {@link #lockTable}). */
    private static final int WRITE_SPINS = 32;
    /** Logged writes beyond which a writer applies the log itself, waiting for the eviction lock. */
    static final int WRITE_LOG_MAX = 1024;
    /**
     * With a maintenance executor, logged writes wait for this many before a drain is scheduled
     * (reads schedule one too, when a read buffer stripe fills). A cache that falls idle may thus
     * hold up to this many writes unapplied, over its bound by as many entries until its next
     * operation or {@code cleanUp()}.
     */
    static final int WRITE_BATCH = 32;

    private final String name;
    /** The eviction lock: policy, expiry queues, weight, {@link #pendingNotifications}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The table lock: the table, {@link #writeLog}, {@link #tableRemovals}. Taken after {@link #lock}, never before. */
    private final ReentrantLock tableLock = new ReentrantLock();
    private final NodeTable<K, V> data = new NodeTable<>(tableLock);
    private WriteLog<K, V> writeLog = new WriteLog<>();   // guarded by tableLock
    private WriteLog<K, V> applying = new WriteLog<>();   // guarded by lock: the log being applied
    /** Logged writes, the weight: on a cache line of their own. */
    private final UpkeepCounters upkeep = new UpkeepCounters();
    /** Weight added by logged inserts not yet applied. Table lock. */
    private long pendingWeight;
    private final ArrayList<Removal<K, V>> tableRemovals = new ArrayList<>(); // guarded by tableLock
    /** Nodes the maintenance evicted from the policy, still to leave the table; with their causes. Lock. */
    private final ArrayList<Node<K, V>> evicted = new ArrayList<>();
    private final ArrayList<RemovalCause> evictedCauses = new ArrayList<>();
    /** Runs {@link #drainTask}; null: the calling threads maintain. */
    private final Executor maintenance;
    private final DrainTask drainTask = new DrainTask(this::runScheduledDrain);
    private final EvictionPolicy evictionPolicy;
    private final EvictionStrategy<K, V> strategy;
    private final Weigher<? super K, ? super V> weigher;
    private final ReadBuffer<Node<K, V>> readBuffer = new ReadBuffer<>();
    private final Consumer<Node<K, V>> applyRead = this::applyRead;
    private final Consumer<Node<K, V>> expireNode = n -> evictNode(n, RemovalCause.EXPIRED);
    private final StatsCounter stats;
    private final RemovalListener<? super K, ? super V> removalListener;
    private final LongSupplier ticker;
    private final Expiry<K, V> expiry;
    /** Cached from {@link #expiry}: a read looks at the clock. */
    private final boolean timedReads;
    /** Writes and maintenance look at the clock (expiry or governance). */
    private final boolean timedWrites;
    /** Nodes carry timestamps and expiry links (expiry or refresh-ahead configured). */
    private final boolean timedNodes;
    private final Executor executor;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Loading<K, V> loading;
    private final Governance governance;
    private final Pacer<LocalCache<K, V>> pacer;
    private final LocalCachePolicy policyView = new LocalCachePolicy(this, null);

    private volatile long maximum;
    private volatile long effectiveMaximum;

    private final ArrayList<Removal<K, V>> pendingNotifications = new ArrayList<>(); // guarded by lock
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Told of every cache built, for the test suite's invariant check; null in production.
     * Package-private: nothing outside the engine's own tests can set it.
     */
    static volatile Consumer<LocalCache<?, ?>> builtHook;

    /** A removal to report to the listener once every lock is released. */
    record Removal<K, V>(K key, V value, RemovalCause cause) {
    }

    LocalCache(CacheBuilder.Settings<K, V> s) {
        this.name = s.name();
        this.evictionPolicy = s.evictionPolicy();
        this.maximum = s.maximumWeight();
        this.effectiveMaximum = s.maximumWeight();
        this.strategy = EvictionStrategy.create(evictionPolicy, s.maximumWeight());
        strategy.setMaximum(s.maximumWeight());
        this.weigher = s.weigher();
        this.stats = new StatsCounter(s.recordStats());
        this.removalListener = s.removalListener();
        this.ticker = s.ticker();
        this.expiry = new Expiry<>(s.expireAfterWriteNanos(), s.expireAfterAccessNanos());
        this.timedReads = expiry.timedReads;
        this.timedWrites = timedReads || s.governor() != null;
        this.timedNodes = timedReads || s.reloader() != null;
        this.executor = s.executor();
        this.maintenance = s.maintenanceExecutor();
        this.loading = new Loading<>(this, stats, s.reloader(), s.reloader() == null ? Long.MAX_VALUE
                : (long) (s.refreshFraction() * s.expireAfterWriteNanos()), s.executor());
        this.pacer = new Pacer<>(s.scheduler(), this, LocalCache::runPaced);
        Consumer<LocalCache<?, ?>> hook = builtHook;
        if (hook != null) {
            hook.accept(this);
        }
        MemoryGovernor governor = s.governor();
        this.governance = new Governance(name, governor == null ? null : s.governance(), ticker.getAsLong());
        if (governor != null) {
            governance.subscribe(governor, this::weightedSize, this::onPressure);
            onPressure(governor.level());
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V getIfPresent(K key) {
        Node<K, V> n = data.get(Objects.requireNonNull(key, "key"));
        long now = timedReads ? ticker.getAsLong() : 0L;
        if (n == null) {
            stats.miss();
            maintainIfDue(now);
            return null;
        }
        if (timedReads && expiry.isExpired(n, now)) {
            stats.miss();
            expire(n);
            return null;
        }
        V value = n.value;
        stats.hit();
        afterRead(n, now);
        return value;
    }

    @Override
    public V get(K key, Function<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        Node<K, V> n = data.get(key);
        long now = timedReads ? ticker.getAsLong() : 0L;
        if (n != null && !(timedReads && expiry.isExpired(n, now))) {
            V value = n.value;
            stats.hit();
            afterRead(n, now);
            return value;
        }
        checkOpen();
        stats.miss();
        maintainIfDue(now);
        return loading.load(key, loader);
    }

    /** The key's live value, or null. For {@link Loading}: a load that finished meanwhile. */
    V presentValue(K key) {
        Node<K, V> n = data.get(key);
        return n != null && !expiry.isExpired(n, timedReads ? ticker.getAsLong() : 0L) ? n.value : null;
    }

    /** Caches a loaded value unless the load was discarded or the cache is not admitting. */
    void storeLoaded(K key, V value, Loading.Load<V> load) {
        long weight = weigh(key, value);
        lockTable();
        try {
            if (!load.discarded && isAdmitting()) {
                store(key, value, weight, ticker(), false);
            }
        } catch (RuntimeException | Error e) {
            notifyRemovals(unlockTableTakingRemovals());
            throw e;
        }
        notifyRemovals(afterWrite(unlockTableTakingRemovals()));
    }

    /** Replaces a refreshed entry's value, unless it was written or removed since the refresh began. */
    void storeRefreshed(Node<K, V> n, V expected, V value) {
        long weight = weigh(n.key, value);
        lockTable();
        try {
            if (n.alive && n.value == expected && data.get(n.key) == n) {
                replace(n, value, weight, ticker(), false);
            }
        } catch (RuntimeException | Error e) {
            notifyRemovals(unlockTableTakingRemovals());
            throw e;
        }
        notifyRemovals(afterWrite(unlockTableTakingRemovals()));
    }

    /** The hit path after the value was read: record the read, maybe refresh, maybe maintain. */
    private void afterRead(Node<K, V> n, long now) {
        if (timedReads) {
            expiry.recordRead(n, now);
        }
        int result = readBuffer.offer(n);
        if (result != ReadBuffer.SUCCESS) {
            if (maintenance != null) {
                if (result == ReadBuffer.FULL) {
                    scheduleDrain(); // the pool drains; this read is dropped, as Caffeine drops it
                }
            } else if (lock.tryLock()) {
                try {
                    drainReads();
                    applyRead(n);
                } finally {
                    unlockAndNotify();
                }
            } else if (result == ReadBuffer.FULL && executor != null) {
                scheduleDrain();
            }
        }
        if (timedNodes && loading.refreshes()) {
            loading.refreshIfDue(n, now);
        }
        maintainIfDue(now);
    }

    /**
     * Runs the maintenance on a read once time-based work (a restore step after pressure, an
     * expiry) is due, if the lock is free; a busy lock means another thread is maintaining anyway.
     * Costs one volatile read when nothing is pending. {@code now} is 0 unless reads are timed.
     */
    private void maintainIfDue(long now) {
        if (!pacer.hasWork()) {
            return;
        }
        long t = timedReads ? now : ticker.getAsLong();
        if (pacer.isDue(t) && lock.tryLock()) {
            try {
                drainAndMaintain(t);
            } finally {
                unlockAndNotify();
            }
        }
    }

    /** The pacer's timer task: the maintenance an idle cache would otherwise never run. */
    private void runPaced() {
        lock.lock();
        try {
            pacer.fired();
            if (closed.get()) {
                return;
            }
            drainAndMaintain(ticker());
        } finally {
            unlockAndNotify();
        }
    }

    /** Hands the policy upkeep to the maintenance executor (or the read executor), once at a time. */
    private void scheduleDrain() {
        Executor ex = maintenance != null ? maintenance : executor;
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            try {
                ex.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                if (lock.tryLock()) { // no pool to run it: do it here rather than let the log grow
                    try {
                        drainAndMaintain(ticker());
                    } finally {
                        unlockAndNotify();
                    }
                }
            }
        }
    }

    /** The executor's drain: a busy lock means its holder applies the buffers before it lets go. */
    private void runScheduledDrain() {
        drainScheduled.set(false);
        if (lock.tryLock()) {
            try {
                drainAndMaintain(ticker());
            } catch (RuntimeException | Error e) {
                log.error("cache '{}': maintenance failed", name, e); // nobody would see it on a pool thread
            } finally {
                unlockAndNotify();
            }
        }
    }

    /**
     * After a write was logged (table lock released): applies the log on this thread if the
     * maintenance runs on callers, or schedules it; waits for the eviction lock only when the log
     * has grown past {@link #WRITE_LOG_MAX} or a sixteenth of the bound in weight (back-pressure on
     * writers that outrun the drain). Returns {@code removals} plus what the drain removed.
     */
    private List<Removal<K, V>> afterWrite(List<Removal<K, V>> removals) {
        if (upkeep.pendingWrites >= WRITE_LOG_MAX || upkeep.overweightLog) {
            lock.lock();
        } else if (maintenance != null) {
            if (upkeep.pendingWrites >= WRITE_BATCH) {
                scheduleDrain(); // a batch per hand-off: waking a pool thread costs microseconds
            }
            return removals;
        } else if (!lock.tryLock()) {
            return removals; // the holder applies our write before it lets go (unlockTakingRemovals)
        }
        try {
            drainAndMaintain(ticker());
        } catch (RuntimeException | Error e) {
            unlockAndNotify();
            throw e;
        }
        List<Removal<K, V>> more = unlockTakingRemovals();
        if (more.isEmpty()) {
            return removals;
        }
        if (removals.isEmpty()) {
            return more;
        }
        List<Removal<K, V>> all = new ArrayList<>(removals);
        all.addAll(more);
        return all;
    }

    /**
     * Takes the table lock, spinning briefly first: a writer holds it for a lookup and a link, far
     * less than parking and waking a thread costs, so two writers on two cores mostly meet without
     * a system call.
     */
    private void lockTable() {
        for (int i = 0; i < WRITE_SPINS; i++) {
            if (tableLock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        tableLock.lock();
    }

    /** Releases the table lock and hands over the removals the locked section made (empty if nested). */
    private List<Removal<K, V>> unlockTableTakingRemovals() {
        if (tableRemovals.isEmpty() || tableLock.getHoldCount() > 1) {
            tableLock.unlock();
            return List.of();
        }
        List<Removal<K, V>> toSend = new ArrayList<>(tableRemovals);
        tableRemovals.clear();
        tableLock.unlock();
        return toSend;
    }

    private void drainReads() {
        readBuffer.drainTo(applyRead); // a field, not a fresh method reference per drain
    }

    private void applyRead(Node<K, V> n) {
        if (n.linked) {
            strategy.onAccess(n);
            expiry.onReplayedRead(n);
        }
    }

    /** The whole upkeep: buffered reads, then logged writes, then expiry, restore steps, the bound. Lock held. */
    private void drainAndMaintain(long now) {
        drainReads();
        applyWrites();
        maintain(now, RemovalCause.SIZE);
    }

    /**
     * Applies the logged writes to the policy, the weight and the expiry queues, in the order the
     * table saw them, evicting to the bound after each insert and replacement (as a write did
     * before it returned when the cache was single-locked: single-threaded use stays exact).
     * Eviction lock held; the table lock is taken only to swap the log.
     */
    private void applyWrites() {
        if (upkeep.pendingWrites == 0) {
            return;
        }
        WriteLog<K, V> log;
        tableLock.lock();
        try {
            log = writeLog;
            writeLog = applying;
            applying = log;
            upkeep.pendingWrites = 0;
            pendingWeight = 0;
            upkeep.overweightLog = false;
        } finally {
            tableLock.unlock();
        }
        for (int i = 0, size = log.size(); i < size; i++) {
            Node<K, V> n = log.node(i);
            byte kind = log.kind(i);
            if (kind == WriteLog.ADD) {
                n.linked = true;
                upkeep.weightedSize += n.weight;
                strategy.onInsert(n);
                expiry.onInsert(n);
                evictToBound(RemovalCause.SIZE);
            } else if (kind == WriteLog.REMOVE) {
                stats.removal(log.cause(i), n.weight);
                unlink(n, false);
            } else {
                applyUpdate(n, kind, log.weight(i));
            }
        }
        log.clear();
    }

    private void applyUpdate(Node<K, V> n, byte kind, int weight) {
        int oldWeight = n.weight;
        if ((kind & WriteLog.NEW_VALUE) != 0) {
            stats.removal(RemovalCause.REPLACED, oldWeight);
        }
        if (!n.linked) { // evicted since: only the weight is kept for its removal's count
            n.weight = weight;
            return;
        }
        n.weight = weight;
        upkeep.weightedSize += weight - oldWeight;
        if (weight != oldWeight) {
            strategy.onWeightChange(n, oldWeight);
        }
        if ((kind & WriteLog.ACCESS) != 0) {
            strategy.onAccess(n);
        }
        expiry.onReplaced(n);
        evictToBound(RemovalCause.SIZE);
    }

    /** The node leaves the policy, the weight and the expiry queues. Eviction lock held. */
    private void unlink(Node<K, V> n, boolean evicted) {
        if (!n.linked) {
            return;
        }
        n.linked = false;
        upkeep.weightedSize -= n.weight;
        strategy.onRemove(n, evicted);
        expiry.onRemove(n);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(K key, V value) {
        notifyRemovals(putDeferringNotifications(key, value, weighChecked(key, value)));
    }

    /** Checks a put's arguments and the cache's state and weighs it; before any store is written. */
    long weighChecked(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkOpen();
        return weigh(key, value);
    }

    /**
     * Applies a put; returns the removals to report once all locks are free (the write decorators
     * report them after their key lock, so a listener that writes cannot deadlock on it).
     */
    List<Removal<K, V>> putDeferringNotifications(K key, V value, long weight) {
        lockTable();
        try {
            loading.discard(key);
            if (isAdmitting()) {
                store(key, value, weight, ticker(), true);
            } else {
                Node<K, V> old = data.get(key);
                if (old != null) {
                    retire(old, RemovalCause.REPLACED);
                }
            }
        } catch (RuntimeException | Error e) {
            notifyRemovals(unlockTableTakingRemovals());
            throw e;
        }
        return afterWrite(unlockTableTakingRemovals());
    }

    /** Inserts or replaces in the table and logs it; a replacement counts as an access when {@code access}. Table lock held. */
    private void store(K key, V value, long weight, long now, boolean access) {
        Node<K, V> old = data.get(key);
        if (old != null && expiry.isExpired(old, now)) {
            retire(old, RemovalCause.EXPIRED); // report the lapse as such, not as a replacement
            old = null;
        }
        if (old != null) {
            replace(old, value, weight, now, access);
            return;
        }
        Node<K, V> n = timedNodes ? new Node.Timed<>(key, value, weight, now) : new Node<>(key, value, weight);
        data.add(n);
        log(n, WriteLog.ADD, n.weight, null);
        pendingWeight += n.weight;
        if (pendingWeight > (effectiveMaximum >> 4) && !upkeep.overweightLog) {
            upkeep.overweightLog = true;
        }
    }

    /** Table lock held. */
    private void replace(Node<K, V> n, V value, long weight, long now, boolean access) {
        V oldValue = n.value;
        n.value = value;
        expiry.stampWrite(n, now);
        byte kind = WriteLog.UPDATE;
        if (access) {
            kind |= WriteLog.ACCESS;
        }
        if (oldValue != value) {
            kind |= WriteLog.NEW_VALUE;
            if (removalListener != null) {
                tableRemovals.add(new Removal<>(n.key, oldValue, RemovalCause.REPLACED));
            }
        }
        log(n, kind, (int) weight, null); // weigh() capped it
    }

    /** The node leaves the table; the policy follows when the log is applied. Table lock held. */
    private void retire(Node<K, V> n, RemovalCause cause) {
        data.remove(n);
        n.alive = false;
        log(n, WriteLog.REMOVE, 0, cause);
        if (removalListener != null) {
            tableRemovals.add(new Removal<>(n.key, n.value, cause));
        }
    }

    private void log(Node<K, V> n, byte kind, int weight, RemovalCause cause) {
        writeLog.add(n, kind, weight, cause);
        upkeep.pendingWrites = writeLog.size();
    }

    @Override
    public void invalidate(K key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        notifyRemovals(invalidateDeferringNotifications(key));
    }

    /** Removes the key; returns the removals to report once all locks are free. */
    List<Removal<K, V>> invalidateDeferringNotifications(K key) {
        lockTable();
        try {
            loading.discard(key);
            Node<K, V> n = data.get(key);
            if (n != null) {
                retire(n, RemovalCause.EXPLICIT);
            }
        } catch (RuntimeException | Error e) {
            notifyRemovals(unlockTableTakingRemovals());
            throw e;
        }
        return afterWrite(unlockTableTakingRemovals());
    }

    @Override
    public void invalidateAll() {
        @SuppressWarnings("unchecked")
        Node<K, V>[] batch = (Node<K, V>[]) new Node[REMOVAL_BATCH];
        int bucket = 0;
        int resizes = 0;
        while (bucket >= 0) {
            lock.lock(); // the log is applied after every batch, so it never holds more than one
            try {
                tableLock.lock();
                try {
                    loading.discardAll();
                    if (data.resizeCount() != resizes) { // the buckets moved while the lock was released
                        resizes = data.resizeCount();
                        bucket = 0;
                    }
                    bucket = data.take(bucket, batch);
                    for (Node<K, V> n : batch) {
                        if (n == null) {
                            break;
                        }
                        retire(n, RemovalCause.EXPLICIT);
                    }
                } finally {
                    pendingNotifications.addAll(tableRemovals);
                    tableRemovals.clear();
                    tableLock.unlock();
                }
                drainReads();
                applyWrites();
            } finally {
                unlockAndNotify();
            }
        }
    }

    // ------------------------------------------------------------------ maintenance

    @Override
    public void cleanUp() {
        lock.lock();
        try {
            drainAndMaintain(ticker());
        } finally {
            unlockAndNotify();
        }
    }

    /** Expires, restores a pressure step when due, and evicts to the bound. Lock held. */
    private void maintain(long now, RemovalCause cause) {
        if (timedReads) {
            expiry.expireEntries(now, expireNode);
        }
        if (governance.restoreStepIfDue(now)) {
            updateEffectiveMaximum();
        }
        evictToBound(cause);
        if (timedWrites) {
            pacer.update(now, expiry.nextDue(governance.nextRestoreDue()));
        }
    }

    private void evictToBound(RemovalCause cause) {
        evictToBound(cause, Integer.MAX_VALUE);
    }

    /** Evicts at most {@code limit} entries; true if the cache is still over its bound. */
    private boolean evictToBound(RemovalCause cause, int limit) {
        for (int i = 0; upkeep.weightedSize > effectiveMaximum; i++) {
            if (i == limit) {
                return true;
            }
            Node<K, V> victim = strategy.selectVictim();
            if (victim == null) {
                return false;
            }
            evictNode(victim, cause);
        }
        return false;
    }

    /** Evicts down to the bound in batches of {@link #REMOVAL_BATCH}. Call without the lock. */
    private void trimToBound(RemovalCause cause) {
        boolean more = true;
        while (more) {
            lock.lock();
            try {
                drainReads();
                applyWrites();
                more = evictToBound(cause, REMOVAL_BATCH);
            } finally {
                unlockAndNotify();
            }
        }
    }

    /** A read found the entry lapsed: it leaves the table at once, the policy when the log is applied. */
    private void expire(Node<K, V> n) {
        lockTable();
        try {
            if (n.alive && data.get(n.key) == n && expiry.isExpired(n, ticker())) {
                retire(n, RemovalCause.EXPIRED);
            }
        } catch (RuntimeException | Error e) {
            notifyRemovals(unlockTableTakingRemovals());
            throw e;
        }
        notifyRemovals(afterWrite(unlockTableTakingRemovals()));
    }

    /**
     * Removes a node the maintenance chose (size, pressure, expiry) from the policy at once, and
     * from the table in one batch with the others before the eviction lock is released
     * ({@link #removeEvicted}): one table-lock hand-over per drain instead of one per victim, so
     * writers rarely meet the drainer on the table lock. Eviction lock held.
     */
    private void evictNode(Node<K, V> n, RemovalCause cause) {
        unlink(n, cause == RemovalCause.SIZE || cause == RemovalCause.PRESSURE);
        evicted.add(n);
        evictedCauses.add(cause);
    }

    /**
     * Takes the evicted nodes out of the table, unless a writer removed one meanwhile (its logged
     * removal then counts and reports it). Eviction lock held.
     */
    private void removeEvicted() {
        int count = evicted.size();
        if (count == 0) {
            return;
        }
        tableLock.lock();
        try {
            for (int i = 0; i < count; i++) {
                Node<K, V> n = evicted.get(i);
                if (n.alive) {
                    data.remove(n);
                    n.alive = false;
                } else {
                    evicted.set(i, null);
                }
            }
        } finally {
            tableLock.unlock();
        }
        for (int i = 0; i < count; i++) {
            Node<K, V> n = evicted.get(i);
            if (n != null) {
                RemovalCause cause = evictedCauses.get(i);
                stats.removal(cause, n.weight);
                if (removalListener != null) {
                    pendingNotifications.add(new Removal<>(n.key, n.value, cause));
                }
            }
        }
        evicted.clear();
        evictedCauses.clear();
    }

    /** Releases the lock, then tells the removal listener what the locked section removed. */
    private void unlockAndNotify() {
        notifyRemovals(unlockTakingRemovals());
    }

    /** Releases the lock and hands over what the locked section removed (empty if nested). */
    private List<Removal<K, V>> unlockTakingRemovals() {
        if (lock.getHoldCount() > 1) { // the outer section removes the evicted nodes
            lock.unlock();
            return List.of();
        }
        List<Removal<K, V>> toSend = List.of();
        while (true) {
            removeEvicted();
            if (!pendingNotifications.isEmpty()) {
                if (toSend.isEmpty()) {
                    toSend = new ArrayList<>();
                }
                toSend.addAll(pendingNotifications);
                pendingNotifications.clear();
            }
            lock.unlock();
            // A write logged while we held the lock found it busy and left its upkeep to us.
            if (upkeep.pendingWrites == 0) {
                return toSend;
            }
            if (maintenance != null) {
                scheduleDrain();
                return toSend;
            }
            if (!lock.tryLock()) {
                return toSend; // the new holder does it
            }
            try {
                drainAndMaintain(ticker());
            } catch (RuntimeException | Error e) {
                notifyRemovals(toSend);
                unlockAndNotify();
                throw e;
            }
        }
    }

    void notifyRemovals(List<Removal<K, V>> toSend) {
        // Indexed, not for-each: the hit path calls this after every drain, and an iterator of the
        // empty list was the one allocation left on it (~2 bytes per hit, ReadPathTest).
        for (int i = 0, n = toSend.size(); i < n; i++) {
            Removal<K, V> r = toSend.get(i);
            try {
                removalListener.onRemoval(r.key(), r.value(), r.cause());
            } catch (RuntimeException e) {
                log.warn("cache '{}': removal listener threw for key {} ({})", name, r.key(), r.cause(), e);
            }
        }
    }

    /** Now, when something needs the time (expiry, restore steps); 0 otherwise, saving the call. */
    private long ticker() {
        return timedWrites ? ticker.getAsLong() : 0L;
    }

    private long weigh(K key, V value) {
        long w = weigher.weigh(key, value);
        if (w < 0) {
            throw new IllegalArgumentException("cache '" + name + "': weigher returned a negative weight ("
                    + w + ") for key " + key);
        }
        return Node.clampWeight(w);
    }

    // ------------------------------------------------------------------ governance

    private void onPressure(PressureLevel current) {
        lock.lock();
        try {
            long now = ticker();
            if (governance.onLevel(current, now)) {
                updateEffectiveMaximum();
            }
            pacer.update(now, expiry.nextDue(governance.nextRestoreDue()));
        } finally {
            unlockAndNotify();
        }
        trimToBound(RemovalCause.PRESSURE);
        governance.levelApplied();
    }

    private void updateEffectiveMaximum() {
        long eff = governance.bound(maximum);
        effectiveMaximum = eff;
        strategy.setMaximum(eff);
    }

    /** The governor (and admission) as the write decorators see it. */
    Governance governance() {
        return governance;
    }

    // ------------------------------------------------------------------ Cache / CachePolicy

    @Override
    public long estimatedSize() {
        return data.size();
    }

    @Override
    public long weightedSize() {
        return upkeep.weightedSize;
    }

    @Override
    public CacheStats stats() {
        return stats.snapshot();
    }

    @Override
    public CachePolicy policy() {
        return policyView;
    }

    @Override
    public String name() {
        return name;
    }

    long maximum() {
        return maximum;
    }

    void setMaximum(long maxWeight) {
        if (maxWeight < 0) {
            throw new IllegalArgumentException("cache '" + name + "': maximum weight must be >= 0, got " + maxWeight);
        }
        lock.lock();
        try {
            maximum = maxWeight;
            updateEffectiveMaximum();
        } finally {
            unlockAndNotify();
        }
        trimToBound(RemovalCause.SIZE);
    }

    long effectiveMaximum() {
        return effectiveMaximum;
    }

    EvictionPolicy evictionPolicy() {
        return evictionPolicy;
    }

    boolean isAdmitting() {
        return governance.isAdmitting();
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pacer.stop();
        governance.close();
    }

    /**
     * Checks that the map, the weight, the expiry queues and the policy agree; throws
     * IllegalStateException naming the first broken invariant. For tests (CacheInvariantsExtension).
     */
    void checkInvariants() {
        lock.lock();
        try {
            drainReads();
            applyWrites();
            removeEvicted();
            tableLock.lock();
            try {
                checkInvariantsLocked();
            } finally {
                tableLock.unlock();
            }
        } finally {
            unlockAndNotify();
        }
    }

    private void checkInvariantsLocked() {
        Invariants.require(upkeep.pendingWrites == 0 && writeLog.size() == 0, "%d logged writes left after a drain",
                writeLog.size());
        long[] count = new long[2];
        data.forEach(n -> {
            Invariants.require(n.alive && n.linked && data.get(n.key) == n, "map holds a dead, unlinked or misfiled node %s", n);
            count[0]++;
            count[1] += n.weight;
        });
        long entries = count[0];
        long weight = count[1];
        Invariants.require(entries == data.size(), "the table counts %d entries, its chains hold %d",
                data.size(), entries);
        Invariants.require(weight == upkeep.weightedSize, "nodes weigh %d, weightedSize says %d", weight, upkeep.weightedSize);
        Invariants.require(upkeep.weightedSize <= effectiveMaximum, "weight %d over the bound %d", upkeep.weightedSize,
                effectiveMaximum);
        expiry.checkInvariants(entries, weight);
        Invariants.require(pendingNotifications.isEmpty() && tableRemovals.isEmpty(),
                "%d removal notifications never sent", pendingNotifications.size() + tableRemovals.size());
        strategy.checkInvariants(entries, weight);
    }

    @Override
    public String toString() {
        return "Cache[" + name + ", " + evictionPolicy.shortName() + ", entries=" + estimatedSize()
                + ", weight=" + upkeep.weightedSize + "/" + effectiveMaximum + "]";
    }
}
