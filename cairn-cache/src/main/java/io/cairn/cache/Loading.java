package io.cairn.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Load coalescing and refresh-ahead for a {@link LocalCache}. Concurrent misses on one key run one
 * load and wait for it; a put or removal of the key during the load marks it discarded, so its value
 * is returned to its callers but not cached. Refresh-ahead reloads an entry in the background once
 * it is older than a fraction of its write lifetime, at most one reload per key at a time.
 */
final class Loading<K, V> {
    private static final Logger log = LoggerFactory.getLogger(Loading.class);

    private final LocalCache<K, V> cache;
    private final StatsCounter stats;
    private final ConcurrentHashMap<K, Load<V>> loads = new ConcurrentHashMap<>();
    private final Function<? super K, ? extends V> reloader; // null: no refresh-ahead
    private final long refreshAfterNanos;
    private final Executor refreshExecutor;
    private final Set<K> refreshing = ConcurrentHashMap.newKeySet();

    /** An in-flight load that concurrent misses on the same key wait for. */
    static final class Load<V> {
        final CompletableFuture<V> future = new CompletableFuture<>();
        final Thread owner = Thread.currentThread();
        /** Set (under the cache's table lock) when the key was written or removed during the load. */
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

    Loading(LocalCache<K, V> cache, StatsCounter stats, Function<? super K, ? extends V> reloader,
            long refreshAfterNanos, Executor executor) {
        this.cache = cache;
        this.stats = stats;
        this.reloader = reloader;
        this.refreshAfterNanos = refreshAfterNanos;
        this.refreshExecutor = executor != null ? executor : ForkJoinPool.commonPool();
    }

    /** A miss: joins the key's load in flight or runs one. */
    V load(K key, Function<? super K, ? extends V> loader) {
        Load<V> mine = new Load<>();
        Load<V> other = loads.putIfAbsent(key, mine);
        if (other != null) {
            if (other.owner == Thread.currentThread()) {
                throw new IllegalStateException("cache '" + cache.name() + "': recursive load of key " + key
                        + " (the loader asked the cache for the key it is loading)");
            }
            return other.await();
        }
        try {
            return run(key, loader, mine);
        } finally {
            loads.remove(key, mine);
        }
    }

    private V run(K key, Function<? super K, ? extends V> loader, Load<V> mine) {
        V present = cache.presentValue(key);
        if (present != null) {
            mine.future.complete(present); // another load finished between our lookup and our registration
            return present;
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
            cache.storeLoaded(key, value, mine);
        } catch (RuntimeException | Error e) {
            mine.future.completeExceptionally(e);
            throw e;
        }
        mine.future.complete(value);
        return value;
    }

    /** A write or removal of the key: a load in flight must not cache its older value. Table lock held. */
    void discard(K key) {
        Load<V> load = loads.get(key);
        if (load != null) {
            load.discarded = true;
        }
    }

    /** invalidateAll: every load in flight is discarded. Table lock held. */
    void discardAll() {
        for (Load<V> load : loads.values()) {
            load.discarded = true;
        }
    }

    boolean refreshes() {
        return reloader != null;
    }

    /** After a hit at {@code now}: starts a background reload if the entry is due for one. */
    void refreshIfDue(Node<K, V> n, long now) {
        if (now - ((Node.Timed<K, V>) n).writeTime < refreshAfterNanos) {
            return;
        }
        K key = n.key;
        if (!refreshing.add(key)) {
            return;
        }
        V expected = n.value;
        try {
            refreshExecutor.execute(() -> refresh(n, key, expected));
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
        }
    }

    private void refresh(Node<K, V> n, K key, V expected) {
        long start = System.nanoTime();
        try {
            V value = reloader.apply(key);
            long elapsed = System.nanoTime() - start;
            if (value == null) {
                stats.loadFailure(elapsed);
                return;
            }
            stats.loadSuccess(elapsed);
            cache.storeRefreshed(n, expected, value);
        } catch (RuntimeException | Error e) {
            stats.loadFailure(System.nanoTime() - start);
            log.debug("cache '{}': refresh of key {} failed; the old value stays until it expires", cache.name(), key, e);
        } finally {
            refreshing.remove(key);
        }
    }
}
