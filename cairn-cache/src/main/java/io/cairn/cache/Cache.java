package io.cairn.cache;

import java.util.function.Function;

/**
 * A concurrent, weight-bounded cache. Built by {@link CacheBuilder}; see docs/CACHE.md.
 *
 * <p>Keys and values must not be null. Reads never block on writes; writes (puts, removals, loads
 * being stored) are serialized through one lock so that the eviction policy sees every change in
 * order. On a single thread the cache is exact: every access is recorded and the bound is enforced
 * before {@link #put} returns.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Cache<K, V> extends AutoCloseable {

    /** The cached value, or null. Records a hit or a miss. Expired entries are misses. */
    V getIfPresent(K key);

    /**
     * The cached value, or the loader's. Concurrent misses on one key run one load; the other
     * callers wait for it and get its result (or its exception). A null from the loader is returned
     * but not cached. A loader that throws leaves nothing cached; the exception reaches every
     * waiting caller. Loaded values are not passed to the {@link CacheWriter} (they came from the
     * store). With write-behind, a key whose write is still queued is answered from the queue, not
     * from the loader, so a cache never reads its own writes back stale.
     *
     * @throws IllegalStateException if the loader recursively loads the same key
     */
    V get(K key, Function<? super K, ? extends V> loader);

    /**
     * Stores a mapping. With a {@link CacheWriter} the value is written through (or queued, for
     * write-behind) before the cache changes; if that write fails a {@link CacheWriteException} is
     * thrown and the cache is unchanged. When the cache is not admitting (governor pressure or
     * {@link CachePolicy#setAdmitting(boolean)}), the value is written but not retained, and any
     * older cached value for the key is dropped.
     */
    void put(K key, V value);

    /**
     * Removes a mapping. With a {@link CacheWriter} this is a delete in the store as well (through or
     * queued, as for {@link #put}).
     */
    void invalidate(K key);

    /**
     * Drops every cached entry. This is a cache flush, never a store operation: the writer is not
     * called and queued write-behind writes still reach the store.
     */
    void invalidateAll();

    /** Entries held now. */
    long estimatedSize();

    /** Current total weight of the entries held (bytes, when the weigher counts bytes). */
    long weightedSize();

    /** An immutable snapshot of the statistics (all zero unless {@link CacheBuilder#recordStats()}). */
    CacheStats stats();

    /** Runs pending maintenance now: records buffered reads, expires, evicts, restores the bound. */
    void cleanUp();

    /** Run-time inspection and control of the bound and admission. */
    CachePolicy policy();

    /** This cache's name, used in metrics and in the governor's accounting. */
    String name();

    /**
     * Flushes queued write-behind writes, unsubscribes from the governor and stops the cache's own
     * threads. Idempotent. Afterwards reads are still answered from memory, while
     * {@link #put}, {@link #invalidate} and {@link #get(Object, Function)} throw
     * {@link IllegalStateException}.
     *
     * @throws CacheWriteException if queued writes could not be flushed before the close timeout;
     *         each of them has been reported to the {@link WriteFailureListener} as abandoned
     */
    @Override
    void close();
}
