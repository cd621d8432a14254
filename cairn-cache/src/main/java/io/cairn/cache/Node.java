package io.cairn.cache;

/**
 * One cached entry, as lean as the common case allows: the key, its hash and the next node of its
 * hash chain (the node is its own map entry, see {@link NodeTable}), the value, the weight, the
 * policy's links and one slot for policy-specific state. Expiry adds its timestamps and queue links
 * in {@link Timed}, built only when the cache expires or refreshes; LFU hangs its heap rank on
 * {@link #aux} only while it holds the node. With compressed oops this is 48 bytes and there is no
 * map entry besides it (see docs/CACHE.md, "Costs per entry"). The value and the chain are read
 * without a lock (volatile); the chain and {@link #alive} are written under the cache's table lock,
 * the weight, the links and the policy's state under its eviction lock.
 */
class Node<K, V> {
    final K key;
    /** {@link NodeTable#spread spread} hash of the key. */
    final int hash;
    volatile V value;
    /** The next node of the same hash chain; written under the table lock, read by lock-free lookups. */
    volatile Node<K, V> chain;

    // --- guarded by the eviction lock (alive: the table lock) ---
    /** The weight, capped at Integer.MAX_VALUE (see Weigher): an int keeps the node at 48 bytes. */
    int weight;
    /** Links of the policy's queue (LRU list, ARC's T1/T2, W-TinyLFU's window/probation/protected). */
    Node<K, V> prev;
    Node<K, V> next;
    /** Policy-specific per-entry state (LFU's heap rank); null for the queue-based policies. */
    Object aux;
    /** Which of the policy's queues holds the node; meaning defined per policy. */
    byte queue;
    /** False once the node left the map. Guarded by the table lock (see {@link LocalCache}). */
    boolean alive = true;
    /**
     * True while the policy (and the weight, and the expiry queues) hold the node: set when its
     * buffered insert is applied, cleared when it is evicted or its buffered removal is applied.
     * Guarded by the eviction lock; buffered reads of an unlinked node are skipped.
     */
    boolean linked;

    Node(K key, V value, long weight) {
        this.key = key;
        this.hash = NodeTable.spread(key.hashCode());
        this.value = value;
        this.weight = clampWeight(weight);
    }

    static int clampWeight(long weight) {
        return (int) Math.min(weight, Integer.MAX_VALUE);
    }

    /** Written-at and read-at times (read without the lock) and the two expiry queues' links. */
    static final class Timed<K, V> extends Node<K, V> {
        volatile long writeTime;
        volatile long accessTime;
        Timed<K, V> writePrev;
        Timed<K, V> writeNext;
        Timed<K, V> accessPrev;
        Timed<K, V> accessNext;

        Timed(K key, V value, long weight, long now) {
            super(key, value, weight);
            this.writeTime = now;
            this.accessTime = now;
        }
    }

    @Override
    public String toString() {
        return "Node[" + key + ", w=" + weight + ", q=" + queue + "]";
    }
}
