package io.cairn.cache;

import java.util.Map;

/**
 * The slower store behind a cache. Writes must be idempotent: a failed write-behind batch is
 * retried as a whole, so some of its entries may be written twice. A writer must not call back into
 * the cache it serves (it runs under that key's lock, or on the flusher thread).
 */
public interface CacheWriter<K, V> {

    void write(K key, V value) throws Exception;

    /** Writes a batch; the default writes one entry at a time in the map's iteration order. */
    default void writeAll(Map<? extends K, ? extends V> entries) throws Exception {
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            write(e.getKey(), e.getValue());
        }
    }

    void delete(K key) throws Exception;
}
