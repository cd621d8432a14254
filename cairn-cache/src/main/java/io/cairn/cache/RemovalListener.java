package io.cairn.cache;

/**
 * Told of every removal, after the fact, on the thread that caused it and outside the cache's lock
 * (so it may call back into the cache). An exception it throws is logged and swallowed: it must not
 * undo the removal nor break the caller's operation.
 */
@FunctionalInterface
public interface RemovalListener<K, V> {
    void onRemoval(K key, V value, RemovalCause cause);
}
