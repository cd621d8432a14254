package io.cairn.cache;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The cache engine. Data lives in a {@link ConcurrentHashMap}; the eviction policy, the expiry
 * queues and the weight are guarded by one lock. Reads are lock-free and recorded through a
 * {@link ReadBuffer}; every write takes the lock, applies buffered reads first (so the policy sees
 * events in order), changes the map and the policy, and evicts before returning. Removal listeners
 * run after the lock is released. See docs/CACHE.md for why this shape.
 */
final class LocalCache<K, V> implements Cache<K, V> {
    private static final Logger log = LoggerFactory.getLogger(LocalCache.class);
    private static final int KEY_LOCKS = 64;
    /**
     * Large removals (a governor trim, a shrink, invalidateAll) release the lock every this many
     * entries: readers' buffers and writers get a turn, and removal notifications go out in chunks
     * instead of piling up a list as long as the cache at the moment memory is shortest.
     */
    private static final int REMOVAL_BATCH = 1024;

    private final String name;
    private final ConcurrentHashMap<K, Node<K, V>> data = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final EvictionPolicy evictionPolicy;
    private final EvictionStrategy<K, V> strategy;
    private final Weigher<? super K, ? super V> weigher;
    private final ReadBuffer<Node<K, V>> readBuffer = new ReadBuffer<>();
    private final java.util.function.Consumer<Node<K, V>> applyRead = this::applyRead;
    private final StatsCounter stats;
    private final RemovalListener<? super K, ? super V> removalListener;
    private final LongSupplier ticker;
    private final long expireAfterWriteNanos;
    private final long expireAfterAccessNanos;
    private final boolean timedReads;
    private final boolean timedWrites;
    /** Nodes carry timestamps and expiry links (expiry or refresh-ahead configured). */
    private final boolean timedNodes;
    private final IntrusiveDeque.WriteOrderDeque<K, V> writeOrder = new IntrusiveDeque.WriteOrderDeque<>();
    private final IntrusiveDeque.AccessOrderDeque<K, V> accessOrder = new IntrusiveDeque.AccessOrderDeque<>();
    private final Executor executor;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    private final Function<? super K, ? extends V> reloader;
    private final long refreshAfterNanos;
    private final Set<K> refreshing = ConcurrentHashMap.newKeySet();

    private final ConcurrentHashMap<K, Load<V>> loads = new ConcurrentHashMap<>();

    private final CacheWriter<K, V> writer;
    private final WriteBehind<K, V> writeBehind;
    private final ReentrantLock[] keyLocks;
    private final LongAdder writeFailures = new LongAdder();

    private volatile long maximum;
    private volatile long effectiveMaximum;
    private volatile long weightedSize;
    private volatile boolean userAdmitting = true;

    private final PressureResponse pressure; // null when not governed
    private final Pacer<LocalCache<K, V>> pacer;
    private final LocalCachePolicy policyView = new LocalCachePolicy(this);
    private final List<MemoryGovernor.Registration> registrations = new ArrayList<>();

    private final ArrayList<Removal<K, V>> pendingNotifications = new ArrayList<>(); // guarded by lock
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Told of every cache built, for the test suite's invariant check; null in production.
     * Package-private: nothing outside the engine's own tests can set it.
     */
    static volatile java.util.function.Consumer<LocalCache<?, ?>> builtHook;

    private record Removal<K, V>(K key, V value, RemovalCause cause) {
    }

    /** An in-flight load that concurrent misses on the same key wait for. */
    private static final class Load<V> {
        final CompletableFuture<V> future = new CompletableFuture<>();
        final Thread owner = Thread.currentThread();
        /** Set (under the lock) when the key was written or removed during the load. */
        boolean discarded;

        V await() {
            try {
                return future.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
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
        this.expireAfterWriteNanos = s.expireAfterWriteNanos();
        this.expireAfterAccessNanos = s.expireAfterAccessNanos();
        this.timedReads = expireAfterWriteNanos > 0 || expireAfterAccessNanos > 0;
        this.timedWrites = timedReads || s.governor() != null;
        this.timedNodes = timedReads || s.reloader() != null;
        this.executor = s.executor();
        this.reloader = s.reloader();
        this.refreshAfterNanos = s.reloader() == null ? Long.MAX_VALUE
                : (long) (s.refreshFraction() * expireAfterWriteNanos);
        this.writer = s.writer();
        if (writer != null) {
            keyLocks = new ReentrantLock[KEY_LOCKS];
            for (int i = 0; i < KEY_LOCKS; i++) {
                keyLocks[i] = new ReentrantLock();
            }
        } else {
            keyLocks = null;
        }
        this.writeBehind = s.writePolicy() == WritePolicy.WRITE_BEHIND
                ? new WriteBehind<>(name, writer, s.writeBehindSettings(), s.writeFailureListener(), writeFailures)
                : null;
        this.pacer = new Pacer<>(s.scheduler(), this, LocalCache::runPaced);
        java.util.function.Consumer<LocalCache<?, ?>> hook = builtHook;
        if (hook != null) {
            hook.accept(this);
        }
        MemoryGovernor governor = s.governor();
        this.pressure = governor == null ? null : new PressureResponse(s.governance(), ticker.getAsLong());
        if (governor != null) {
            registrations.add(governor.registerConsumer(name, MemoryGovernor.Residence.HEAP, this::weightedSize));
            registrations.add(governor.addListener((previous, current, memoryStats) -> onPressure(current)));
            onPressure(governor.level());
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V getIfPresent(K key) {
        Node<K, V> n = data.get(Objects.requireNonNull(key, "key"));
        if (n == null) {
            stats.miss();
            maintainIfDue(timedReads ? ticker.getAsLong() : 0L);
            return null;
        }
        long now = timedReads ? ticker.getAsLong() : 0L;
        if (isExpired(n, now)) {
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
        if (n != null) {
            long now = timedReads ? ticker.getAsLong() : 0L;
            if (!isExpired(n, now)) {
                V value = n.value;
                stats.hit();
                afterRead(n, now);
                return value;
            }
        }
        checkOpen();
        stats.miss();
        maintainIfDue(timedReads ? ticker.getAsLong() : 0L);
        if (writeBehind != null) {
            WriteBehind.Op<K, V> pending = writeBehind.pending(key);
            if (pending != null) {
                return pending.value(); // the store is behind; a delete answers null
            }
        }
        Load<V> mine = new Load<>();
        Load<V> other = loads.putIfAbsent(key, mine);
        if (other != null) {
            if (other.owner == Thread.currentThread()) {
                throw new IllegalStateException("cache '" + name + "': recursive load of key " + key
                        + " (the loader asked the cache for the key it is loading)");
            }
            return other.await();
        }
        try {
            return load(key, loader, mine);
        } finally {
            loads.remove(key, mine);
        }
    }

    private V load(K key, Function<? super K, ? extends V> loader, Load<V> mine) {
        Node<K, V> n = data.get(key);
        if (n != null && !isExpired(n, timedReads ? ticker.getAsLong() : 0L)) {
            V value = n.value; // another load finished between our lookup and our registration
            mine.future.complete(value);
            return value;
        }
        if (writeBehind != null) {
            // Asked again now that the load is registered: a write queued (and perhaps already
            // evicted) since the first look must not be shadowed by the store's older value.
            WriteBehind.Op<K, V> pending = writeBehind.pending(key);
            if (pending != null) {
                mine.future.complete(pending.value());
                return pending.value();
            }
        }
        long start = System.nanoTime();
        V value;
        try {
            value = loader.apply(key);
        } catch (RuntimeException | Error e) {
            stats.loadFailure(System.nanoTime() - start);
            mine.future.completeExceptionally(e);
            throw e;
        }
        long elapsed = System.nanoTime() - start;
        if (value == null) {
            stats.loadFailure(elapsed);
            mine.future.complete(null);
            return null;
        }
        stats.loadSuccess(elapsed);
        try {
            long weight = weigh(key, value);
            lock.lock();
            try {
                drainReads();
                long now = ticker();
                if (!mine.discarded && isAdmitting()) {
                    store(key, value, weight, now, false);
                }
                maintain(now, RemovalCause.SIZE);
            } finally {
                unlockAndNotify();
            }
        } catch (RuntimeException | Error e) {
            mine.future.completeExceptionally(e);
            throw e;
        }
        mine.future.complete(value);
        return value;
    }

    private void afterRead(Node<K, V> n, long now) {
        if (expireAfterAccessNanos > 0) {
            ((Node.Timed<K, V>) n).accessTime = now;
        }
        int result = readBuffer.offer(n);
        if (result != ReadBuffer.SUCCESS) {
            if (lock.tryLock()) {
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
        if (reloader != null && now - ((Node.Timed<K, V>) n).writeTime >= refreshAfterNanos) {
            refreshAhead(n);
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
                drainReads();
                maintain(t, RemovalCause.SIZE);
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
            drainReads();
            maintain(ticker(), RemovalCause.SIZE);
        } finally {
            unlockAndNotify();
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    drainScheduled.set(false);
                    cleanUp();
                });
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
            }
        }
    }

    private void drainReads() {
        readBuffer.drainTo(applyRead); // a field, not a fresh method reference per drain
    }

    private void applyRead(Node<K, V> n) {
        if (n.alive) {
            strategy.onAccess(n);
            if (expireAfterAccessNanos > 0) {
                accessOrder.moveToLast((Node.Timed<K, V>) n);
            }
        }
    }

    private void refreshAhead(Node<K, V> n) {
        K key = n.key;
        if (!refreshing.add(key)) {
            return;
        }
        V expected = n.value;
        Executor target = executor != null ? executor : ForkJoinPool.commonPool();
        try {
            target.execute(() -> runRefresh(n, key, expected));
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
        }
    }

    private void runRefresh(Node<K, V> n, K key, V expected) {
        long start = System.nanoTime();
        try {
            V value = reloader.apply(key);
            long elapsed = System.nanoTime() - start;
            if (value == null) {
                stats.loadFailure(elapsed);
                return;
            }
            stats.loadSuccess(elapsed);
            long weight = weigh(key, value);
            lock.lock();
            try {
                drainReads();
                // Only replace what we refreshed: a put or removal meanwhile wins over the reload.
                if (n.alive && n.value == expected && data.get(key) == n) {
                    replace(n, value, weight, ticker(), false);
                    maintain(ticker(), RemovalCause.SIZE);
                }
            } finally {
                unlockAndNotify();
            }
        } catch (RuntimeException | Error e) {
            stats.loadFailure(System.nanoTime() - start);
            log.debug("cache '{}': refresh of key {} failed; the old value stays until it expires", name, key, e);
        } finally {
            refreshing.remove(key);
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkOpen();
        long weight = weigh(key, value);
        if (writer == null) {
            notifyRemovals(putLocked(key, value, weight));
            return;
        }
        List<Removal<K, V>> removals;
        ReentrantLock keyLock = keyLock(key);
        keyLock.lock();
        try {
            writeToStore(key, value);
            removals = putLocked(key, value, weight);
        } finally {
            keyLock.unlock();
        }
        notifyRemovals(removals); // after the key lock: a listener that writes cannot deadlock on it
    }

    /** Applies a put under the cache lock; returns the removals to report once all locks are free. */
    private List<Removal<K, V>> putLocked(K key, V value, long weight) {
        lock.lock();
        try {
            drainReads();
            long now = ticker();
            discardLoad(key);
            if (isAdmitting()) {
                store(key, value, weight, now, true);
                maintain(now, RemovalCause.SIZE);
            } else {
                Node<K, V> old = data.get(key);
                if (old != null) {
                    removeNode(old, RemovalCause.REPLACED);
                }
            }
        } catch (RuntimeException | Error e) {
            unlockAndNotify();
            throw e;
        }
        return unlockTakingRemovals();
    }

    /** Inserts or replaces under the lock; a replacement counts as an access when {@code access}. */
    private void store(K key, V value, long weight, long now, boolean access) {
        Node<K, V> old = data.get(key);
        if (old != null && isExpired(old, now)) {
            removeNode(old, RemovalCause.EXPIRED); // report the lapse as such, not as a replacement
            old = null;
        }
        if (old != null) {
            replace(old, value, weight, now, access);
            return;
        }
        Node<K, V> n = timedNodes ? new Node.Timed<>(key, value, weight, now) : new Node<>(key, value, weight);
        data.put(key, n);
        weightedSize += weight;
        strategy.onInsert(n);
        if (expireAfterWriteNanos > 0) {
            writeOrder.addLast((Node.Timed<K, V>) n);
        }
        if (expireAfterAccessNanos > 0) {
            accessOrder.addLast((Node.Timed<K, V>) n);
        }
        evictToBound(RemovalCause.SIZE);
    }

    private void replace(Node<K, V> n, V value, long weight, long now, boolean access) {
        V oldValue = n.value;
        long oldWeight = n.weight;
        n.value = value;
        n.weight = (int) weight; // weigh() capped it
        weightedSize += weight - oldWeight;
        if (weight != oldWeight) {
            strategy.onWeightChange(n, oldWeight);
        }
        if (access) {
            strategy.onAccess(n);
        }
        if (n instanceof Node.Timed<K, V> t) {
            t.writeTime = now;
            t.accessTime = now;
            if (expireAfterWriteNanos > 0) {
                writeOrder.moveToLast(t);
            }
            if (expireAfterAccessNanos > 0) {
                accessOrder.moveToLast(t);
            }
        }
        if (oldValue != value) {
            stats.removal(RemovalCause.REPLACED, oldWeight);
            if (removalListener != null) {
                pendingNotifications.add(new Removal<>(n.key, oldValue, RemovalCause.REPLACED));
            }
        }
        evictToBound(RemovalCause.SIZE);
    }

    @Override
    public void invalidate(K key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        if (writer == null) {
            notifyRemovals(invalidateLocked(key));
            return;
        }
        List<Removal<K, V>> removals;
        ReentrantLock keyLock = keyLock(key);
        keyLock.lock();
        try {
            writeToStore(key, null);
            removals = invalidateLocked(key);
        } finally {
            keyLock.unlock();
        }
        notifyRemovals(removals);
    }

    private List<Removal<K, V>> invalidateLocked(K key) {
        lock.lock();
        try {
            drainReads();
            discardLoad(key);
            Node<K, V> n = data.get(key);
            if (n != null) {
                removeNode(n, RemovalCause.EXPLICIT);
            }
        } catch (RuntimeException | Error e) {
            unlockAndNotify();
            throw e;
        }
        return unlockTakingRemovals();
    }

    @Override
    public void invalidateAll() {
        boolean more = true;
        while (more) {
            lock.lock();
            try {
                drainReads();
                for (Load<V> load : loads.values()) {
                    load.discarded = true;
                }
                int removed = 0;
                for (Node<K, V> n : data.values()) {
                    if (removed++ == REMOVAL_BATCH) {
                        break;
                    }
                    removeNode(n, RemovalCause.EXPLICIT);
                }
                more = removed > REMOVAL_BATCH;
            } finally {
                unlockAndNotify();
            }
        }
    }

    /** Writes (value != null) or deletes the key in the store, as the write policy and pressure say. */
    private void writeToStore(K key, V value) {
        if (writeBehind != null) {
            if (forceWriteThrough() || !isAdmitting() || !writeBehind.enqueue(key, value)) {
                // A value the cache will not hold must reach the store before we return, or a read
                // in between would find neither; a full queue pushes back on the caller.
                writeBehind.writeNow(key, value);
            }
            return;
        }
        try {
            if (value != null) {
                writer.write(key, value);
            } else {
                writer.delete(key);
            }
        } catch (Exception e) {
            writeFailures.increment();
            throw new CacheWriteException("cache '" + name + "': " + (value == null ? "delete" : "write")
                    + " of key " + key + " failed in the store", e);
        }
    }

    private ReentrantLock keyLock(K key) {
        int h = key.hashCode() * 0x9E3779B9;
        return keyLocks[(h ^ (h >>> 16)) & (KEY_LOCKS - 1)];
    }

    private void discardLoad(K key) {
        Load<V> load = loads.get(key);
        if (load != null) {
            load.discarded = true;
        }
    }

    // ------------------------------------------------------------------ maintenance

    @Override
    public void cleanUp() {
        lock.lock();
        try {
            drainReads();
            maintain(ticker(), RemovalCause.SIZE);
        } finally {
            unlockAndNotify();
        }
    }

    /** Expires, restores a pressure step when due, and evicts to the bound. Lock held. */
    private void maintain(long now, RemovalCause cause) {
        expireEntries(now);
        if (pressure != null && pressure.restoreStepIfDue(now)) {
            updateEffectiveMaximum();
        }
        evictToBound(cause);
        if (timedWrites) {
            pacer.update(now, nextTimedWork());
        }
    }

    /** When the next restore step or expiry is due, in ticker time; {@link Pacer#NONE} if never. Lock held. */
    private long nextTimedWork() {
        long due = pressure == null ? Pacer.NONE : pressure.nextRestoreDue();
        Node.Timed<K, V> n;
        if (expireAfterWriteNanos > 0 && (n = writeOrder.first()) != null) {
            due = earlier(due, n.writeTime + expireAfterWriteNanos);
        }
        if (expireAfterAccessNanos > 0 && (n = accessOrder.first()) != null) {
            due = earlier(due, n.accessTime + expireAfterAccessNanos);
        }
        return due;
    }

    private static long earlier(long due, long t) {
        return due == Pacer.NONE || t - due < 0 ? t : due;
    }

    private void evictToBound(RemovalCause cause) {
        evictToBound(cause, Integer.MAX_VALUE);
    }

    /** Evicts at most {@code limit} entries; true if the cache is still over its bound. */
    private boolean evictToBound(RemovalCause cause, int limit) {
        for (int i = 0; weightedSize > effectiveMaximum; i++) {
            if (i == limit) {
                return true;
            }
            Node<K, V> victim = strategy.selectVictim();
            if (victim == null) {
                return false;
            }
            removeNode(victim, cause);
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
                more = evictToBound(cause, REMOVAL_BATCH);
            } finally {
                unlockAndNotify();
            }
        }
    }

    private void expireEntries(long now) {
        if (expireAfterWriteNanos > 0) {
            Node.Timed<K, V> n;
            while ((n = writeOrder.first()) != null && now - n.writeTime >= expireAfterWriteNanos) {
                removeNode(n, RemovalCause.EXPIRED);
            }
        }
        if (expireAfterAccessNanos > 0) {
            Node.Timed<K, V> n;
            while ((n = accessOrder.first()) != null && now - n.accessTime >= expireAfterAccessNanos) {
                removeNode(n, RemovalCause.EXPIRED);
            }
        }
    }

    private void expire(Node<K, V> n) {
        lock.lock();
        try {
            drainReads();
            if (n.alive && data.get(n.key) == n && isExpired(n, ticker())) {
                removeNode(n, RemovalCause.EXPIRED);
            }
        } finally {
            unlockAndNotify();
        }
    }

    private boolean isExpired(Node<K, V> n, long now) {
        if (!timedReads) {
            return false;
        }
        Node.Timed<K, V> t = (Node.Timed<K, V>) n;
        return (expireAfterWriteNanos > 0 && now - t.writeTime >= expireAfterWriteNanos)
                || (expireAfterAccessNanos > 0 && now - t.accessTime >= expireAfterAccessNanos);
    }

    private void removeNode(Node<K, V> n, RemovalCause cause) {
        data.remove(n.key, n);
        n.alive = false;
        weightedSize -= n.weight;
        strategy.onRemove(n, cause == RemovalCause.SIZE || cause == RemovalCause.PRESSURE);
        if (expireAfterWriteNanos > 0) {
            writeOrder.unlink((Node.Timed<K, V>) n);
        }
        if (expireAfterAccessNanos > 0) {
            accessOrder.unlink((Node.Timed<K, V>) n);
        }
        stats.removal(cause, n.weight);
        if (removalListener != null) {
            pendingNotifications.add(new Removal<>(n.key, n.value, cause));
        }
    }

    /** Releases the lock, then tells the removal listener what the locked section removed. */
    private void unlockAndNotify() {
        notifyRemovals(unlockTakingRemovals());
    }

    /** Releases the lock and hands over what the locked section removed (empty if nested). */
    private List<Removal<K, V>> unlockTakingRemovals() {
        if (pendingNotifications.isEmpty() || lock.getHoldCount() > 1) {
            lock.unlock();
            return List.of();
        }
        List<Removal<K, V>> toSend = new ArrayList<>(pendingNotifications);
        pendingNotifications.clear();
        lock.unlock();
        return toSend;
    }

    private void notifyRemovals(List<Removal<K, V>> toSend) {
        for (Removal<K, V> r : toSend) {
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
        boolean flush;
        lock.lock();
        try {
            long now = ticker();
            if (pressure.onLevel(current, now)) {
                updateEffectiveMaximum();
            }
            pacer.update(now, nextTimedWork());
            flush = pressure.forcesWriteThrough();
        } finally {
            unlockAndNotify();
        }
        trimToBound(RemovalCause.PRESSURE);
        if (flush && writeBehind != null) {
            writeBehind.flushSoon();
        }
    }

    private void updateEffectiveMaximum() {
        long eff = pressure == null ? maximum : pressure.bound(maximum);
        effectiveMaximum = eff;
        strategy.setMaximum(eff);
    }

    private boolean forceWriteThrough() {
        return pressure != null && pressure.forcesWriteThrough();
    }

    // ------------------------------------------------------------------ Cache / CachePolicy

    @Override
    public long estimatedSize() {
        return data.mappingCount();
    }

    @Override
    public long weightedSize() {
        return weightedSize;
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
        return userAdmitting && (pressure == null || pressure.admits());
    }

    void setAdmitting(boolean admitting) {
        userAdmitting = admitting;
    }

    long pendingWrites() {
        return writeBehind == null ? 0 : writeBehind.pendingCount();
    }

    long writeFailures() {
        return writeFailures.sum();
    }

    private void checkOpen() {
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
        for (MemoryGovernor.Registration r : registrations) {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.warn("cache '{}': closing a governor registration failed", name, e);
            }
        }
        registrations.clear();
        if (writeBehind != null) {
            writeBehind.close();
        }
    }

    /**
     * Checks that the map, the weight, the expiry queues and the policy agree; throws
     * IllegalStateException naming the first broken invariant. For tests (CacheInvariantsExtension).
     */
    void checkInvariants() {
        lock.lock();
        try {
            drainReads();
            long entries = 0;
            long weight = 0;
            for (var e : data.entrySet()) {
                Node<K, V> n = e.getValue();
                Invariants.require(n.alive && n.key == e.getKey(), "map holds a dead or misfiled node %s", n);
                entries++;
                weight += n.weight;
            }
            Invariants.require(weight == weightedSize, "nodes weigh %d, weightedSize says %d", weight, weightedSize);
            Invariants.require(weightedSize <= effectiveMaximum, "weight %d over the bound %d", weightedSize,
                    effectiveMaximum);
            if (expireAfterWriteNanos > 0) {
                long w = writeOrder.checkLinks("write order", n -> n.weight, n -> n.alive);
                Invariants.require(writeOrder.size() == entries && w == weight, "write order holds %d of %d entries",
                        writeOrder.size(), entries);
            }
            if (expireAfterAccessNanos > 0) {
                long w = accessOrder.checkLinks("access order", n -> n.weight, n -> n.alive);
                Invariants.require(accessOrder.size() == entries && w == weight, "access order holds %d of %d entries",
                        accessOrder.size(), entries);
            }
            Invariants.require(pendingNotifications.isEmpty(), "%d removal notifications never sent",
                    pendingNotifications.size());
            strategy.checkInvariants(entries, weight);
        } finally {
            unlockAndNotify();
        }
    }

    @Override
    public String toString() {
        return "Cache[" + name + ", " + evictionPolicy.shortName() + ", entries=" + estimatedSize()
                + ", weight=" + weightedSize + "/" + effectiveMaximum + "]";
    }
}
