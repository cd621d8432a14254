package io.cairn.cache;

import java.util.function.ToLongFunction;

/**
 * The weight of an entry, in the unit of {@link CacheBuilder#maximumWeight(long)} (bytes, for the
 * caches Cairn builds). Must be non-negative and should not change while the entry is cached.
 * One entry counts at most {@link Integer#MAX_VALUE} against the bound (larger weights are capped).
 */
@FunctionalInterface
public interface Weigher<K, V> {

    /**
     * The heap an entry costs the cache beyond its key and value: the cache's node (40 bytes with
     * compressed pointers, 72 with expiry), the hash map's node (32), its table slots and the
     * sketch's share; LFU adds 32 while it holds the entry. Kept at the older, larger measurement so
     * that a bound in bytes stays conservative for every configuration (docs/CACHE.md, "Costs per
     * entry").
     */
    long ENTRY_OVERHEAD_BYTES = 144;

    long weigh(K key, V value);

    /** Every entry weighs 1: the maximum is then a number of entries. */
    static <K, V> Weigher<K, V> singleton() {
        return (k, v) -> 1;
    }

    /** The value's payload bytes plus {@link #ENTRY_OVERHEAD_BYTES}. */
    static <K, V> Weigher<K, V> bytesWithOverhead(ToLongFunction<? super V> payloadBytes) {
        return (k, v) -> Math.addExact(payloadBytes.applyAsLong(v), ENTRY_OVERHEAD_BYTES);
    }

    /** Key bytes plus value bytes plus {@link #ENTRY_OVERHEAD_BYTES}. */
    static <K, V> Weigher<K, V> bytesWithOverhead(ToLongFunction<? super K> keyBytes,
                                                  ToLongFunction<? super V> valueBytes) {
        return (k, v) -> Math.addExact(Math.addExact(keyBytes.applyAsLong(k), valueBytes.applyAsLong(v)),
                ENTRY_OVERHEAD_BYTES);
    }
}
