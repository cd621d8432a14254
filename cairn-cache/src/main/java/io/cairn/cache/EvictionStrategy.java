package io.cairn.cache;

/**
 * An eviction policy's bookkeeping. Every method is called with the cache's eviction lock held, in the order
 * the cache applied the operations, so an implementation needs no synchronization of its own.
 *
 * <p>Protocol: a new entry is {@link #onInsert inserted} after it joined the map and the cache's
 * weight; then, while the cache is over its bound, the cache asks for {@link #selectVictim()} and
 * removes the node it gets (calling {@link #onRemove} with {@code evicted == true}). The strategy
 * decides admission inside selectVictim: W-TinyLFU may answer with the newcomer itself.
 */
interface EvictionStrategy<K, V> {

    /** The bound in weight units changed (builder, resize, governor). */
    void setMaximum(long maximum);

    void onInsert(Node<K, V> node);

    /** A read hit, or a put that replaced the value (after {@link #onWeightChange}). */
    void onAccess(Node<K, V> node);

    /** The node's weight changed from {@code oldWeight} to {@code node.weight}. */
    void onWeightChange(Node<K, V> node, long oldWeight);

    /**
     * The node leaves. {@code evicted} is true when the policy chose it (size or pressure), false for
     * explicit removal, replacement or expiry: only evictions leave ghosts (ARC).
     */
    void onRemove(Node<K, V> node, boolean evicted);

    /** The node the cache should evict next, still linked; null if the strategy holds nothing. */
    Node<K, V> selectVictim();

    /** Forget everything (invalidateAll); history such as sketches and ghosts may be kept. */
    void clear();

    /**
     * Checks the strategy's own bookkeeping against the cache's ({@code entries} nodes weighing
     * {@code weight} in all), throwing {@link IllegalStateException} naming the first broken
     * invariant. Lock held, reads drained; run after every test by the test suite.
     */
    void checkInvariants(long entries, long weight);

    static <K, V> EvictionStrategy<K, V> create(EvictionPolicy policy, long maximum) {
        return switch (policy) {
            case LRU -> new LruStrategy<>();
            case LFU -> new LfuStrategy<>();
            case ARC -> new ArcStrategy<>(maximum);
            case W_TINY_LFU -> new WTinyLfuStrategy<>(maximum);
            case SIEVE -> new SieveStrategy<>();
            case S3_FIFO -> new S3FifoStrategy<>(maximum);
            case ADAPTIVE -> new AdaptiveStrategy<>(maximum);
        };
    }
}
