package io.cairn.cache;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A {@link LocalCache} with a store behind it: the common part of {@link WriteThroughCache} and
 * {@link WriteBehindCache}. Puts and invalidations write (or delete in) the store and then change
 * the cache, both under a per-key lock (64 stripes), so that the store and the cache see the same
 * order per key; removal notifications go out after the key lock. Reads and everything else are the
 * engine's.
 */
abstract class WritingCache<K, V> implements Cache<K, V>, LocalCachePolicy.WriteCounters {
    private static final int KEY_LOCKS = 64;

    final LocalCache<K, V> cache;
    final CacheWriter<K, V> writer;
    final LongAdder writeFailures = new LongAdder();
    private final ReentrantLock[] keyLocks = new ReentrantLock[KEY_LOCKS];
    private final LocalCachePolicy policy;
    private final AtomicBoolean closed = new AtomicBoolean();

    WritingCache(LocalCache<K, V> cache, CacheWriter<K, V> writer) {
        this.cache = cache;
        this.writer = writer;
        for (int i = 0; i < KEY_LOCKS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        this.policy = new LocalCachePolicy(cache, this);
    }

    /** Writes (value != null) or deletes the key in the store; the key's lock is held. */
    abstract void writeToStore(K key, V value);

    /** Flushes and stops whatever the decorator runs; after the engine closed. */
    abstract void closeWriter();

    @Override
    public void put(K key, V value) {
        long weight = cache.weighChecked(key, value);
        List<LocalCache.Removal<K, V>> removals;
        ReentrantLock keyLock = keyLock(key);
        keyLock.lock();
        try {
            writeToStore(key, value);
            removals = cache.putDeferringNotifications(key, value, weight);
        } finally {
            keyLock.unlock();
        }
        cache.notifyRemovals(removals); // after the key lock: a listener that writes cannot deadlock on it
    }

    @Override
    public void invalidate(K key) {
        java.util.Objects.requireNonNull(key, "key");
        cache.checkOpen();
        List<LocalCache.Removal<K, V>> removals;
        ReentrantLock keyLock = keyLock(key);
        keyLock.lock();
        try {
            writeToStore(key, null);
            removals = cache.invalidateDeferringNotifications(key);
        } finally {
            keyLock.unlock();
        }
        cache.notifyRemovals(removals);
    }

    private ReentrantLock keyLock(K key) {
        int h = key.hashCode() * 0x9E3779B9;
        return keyLocks[(h ^ (h >>> 16)) & (KEY_LOCKS - 1)];
    }

    @Override
    public V getIfPresent(K key) {
        return cache.getIfPresent(key);
    }

    @Override
    public V get(K key, Function<? super K, ? extends V> loader) {
        return cache.get(key, loader);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll(); // a cache flush, never a store operation
    }

    @Override
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public long weightedSize() {
        return cache.weightedSize();
    }

    @Override
    public CacheStats stats() {
        return cache.stats();
    }

    @Override
    public void cleanUp() {
        cache.cleanUp();
    }

    @Override
    public CachePolicy policy() {
        return policy;
    }

    @Override
    public String name() {
        return cache.name();
    }

    @Override
    public long writeFailures() {
        return writeFailures.sum();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cache.close();
            closeWriter();
        }
    }

    /** The engine inside, for the test suite. */
    LocalCache<K, V> engine() {
        return cache;
    }

    @Override
    public String toString() {
        return cache.toString();
    }
}
