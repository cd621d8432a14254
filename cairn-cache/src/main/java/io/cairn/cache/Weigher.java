package io.cairn.cache;

import java.util.function.ToLongFunction;

/**
 * The weight of an entry, in the unit of {@link CacheBuilder#maximumWeight(long)} (bytes, for the
 * caches Cairn builds). Must be non-negative and should not change while the entry is cached.
 */
@FunctionalInterface
public interface Weigher<K, V> {

    /**
     * The heap an entry costs the cache beyond its key and value: the cache's node (~104 bytes with
     * compressed pointers), the hash map's node (32), its table slots and, for W-TinyLFU, the
     * sketch's share. Measured at 134-143 bytes depending on the policy (docs/CACHE.md, "Costs per
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
