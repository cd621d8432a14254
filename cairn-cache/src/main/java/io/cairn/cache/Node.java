package io.cairn.cache;

/**
 * One cached entry. The value and the timestamps are read without the lock (volatile); everything
 * else belongs to the eviction policy and the expiry queues and is guarded by the cache's lock.
 * One class for all policies keeps the per-entry cost flat (see docs/CACHE.md, "Costs per entry")
 * and avoids megamorphic calls on the read path.
 */
final class Node<K, V> {
    final K key;
    volatile V value;
    /** False once the node left the map; buffered reads of a dead node are skipped. */
    volatile boolean alive = true;
    volatile long writeTime;
    volatile long accessTime;

    // --- guarded by the cache lock ---
    long weight;
    /** Links of the policy's queue (LRU list, ARC's T1/T2, W-TinyLFU's window/probation/protected). */
    Node<K, V> prev;
    Node<K, V> next;
    /** Which of the policy's queues holds the node; meaning defined per policy. */
    byte queue;
    /** LFU: reference count, index in the heap, priority and tie-break sequence. */
    int frequency;
    int heapIndex = -1;
    double priority;
    long sequence;
    /** Expiry queues, in write order and in access order. */
    Node<K, V> writePrev;
    Node<K, V> writeNext;
    Node<K, V> accessPrev;
    Node<K, V> accessNext;

    Node(K key, V value, long weight, long now) {
        this.key = key;
        this.value = value;
        this.weight = weight;
        this.writeTime = now;
        this.accessTime = now;
    }

    @Override
    public String toString() {
        return "Node[" + key + ", w=" + weight + ", q=" + queue + "]";
    }
}
