package io.cairn.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The cache's hash table: open hashing whose chains run through the {@link Node}s themselves
 * ({@link Node#chain}), so an entry costs one object instead of a node plus a map entry. Written by
 * one thread at a time (every mutation happens under the cache's table lock), read by any number without
 * a lock.
 *
 * <p>Why lock-free reads are safe: a node is fully built before a release store publishes it at
 * the head of its chain; a removal unlinks the node but leaves its own {@code chain} intact, so a
 * reader standing on it still reaches the rest of the chain. Only a resize moves nodes between
 * chains, and a reader overlapping one could miss a key that is present; resizes are therefore
 * counted in a sequence number ({@link #resizes}, odd while one runs), and a miss is trusted only
 * if no resize began or ended during the lookup. Otherwise the lookup is repeated once and, if a
 * resize is still running, done under the cache's table lock (so readers never spin against the resizer).
 * A hit needs no check: a node found with an equal key is that key's node, whichever chain led to it.
 */
final class NodeTable<K, V> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle SIZE = MethodHandles.arrayElementVarHandle(int[].class);
    /** Index of the count in {@link #sizeCell}: 64 bytes of the array on either side of it. */
    private static final int SIZE_AT = 16;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    private final ReentrantLock lock;
    private volatile Node<K, V>[] table;
    /**
     * The entry count, at {@link #SIZE_AT}; written under the lock with release semantics, read with
     * acquire. In an array of its own, padded, so that the writes do not share a cache line with
     * {@link #table}, which every lookup reads.
     */
    private final int[] sizeCell = new int[2 * SIZE_AT + 1];
    /** Grows the table when size exceeds this (3/4 of the capacity). Lock held. */
    private int threshold;
    /** Resize sequence: incremented when a resize starts (odd) and when it ends (even). */
    private volatile int resizes;

    NodeTable(ReentrantLock lock) {
        this.lock = lock;
        this.table = newTable(MIN_CAPACITY);
        this.threshold = MIN_CAPACITY / 4 * 3;
    }

    static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** The key's node, or null. Lock-free. */
    Node<K, V> get(Object key) {
        int h = spread(key.hashCode());
        int stamp = resizes;
        Node<K, V> n = find(table, key, h);
        if (n != null || (stamp & 1) == 0 && resizes == stamp) {
            return n;
        }
        stamp = resizes; // a resize overlapped the lookup: once more, then under the lock
        n = find(table, key, h);
        if (n != null || (stamp & 1) == 0 && resizes == stamp) {
            return n;
        }
        lock.lock();
        try {
            return find(table, key, h);
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Node<K, V> find(Node<K, V>[] tab, Object key, int h) {
        Node<K, V> e = (Node<K, V>) SLOT.getAcquire(tab, h & (tab.length - 1));
        while (e != null) {
            if (e.hash == h) {
                Object k = e.key;
                if (k == key || key.equals(k)) {
                    return e;
                }
            }
            e = e.chain;
        }
        return null;
    }

    /** Adds a node whose key is not in the table. Lock held. */
    @SuppressWarnings("unchecked")
    void add(Node<K, V> n) {
        Node<K, V>[] tab = table;
        int i = n.hash & (tab.length - 1);
        n.chain = (Node<K, V>) SLOT.get(tab, i);
        SLOT.setRelease(tab, i, n);
        int s = (int) SIZE.get(sizeCell, SIZE_AT) + 1;
        SIZE.setRelease(sizeCell, SIZE_AT, s);
        if (s > threshold) {
            grow();
        }
    }

    /** Unlinks the node if it is in the table; true if it was. Lock held. */
    @SuppressWarnings("unchecked")
    boolean remove(Node<K, V> n) {
        Node<K, V>[] tab = table;
        int i = n.hash & (tab.length - 1);
        Node<K, V> e = (Node<K, V>) SLOT.get(tab, i);
        Node<K, V> pred = null;
        while (e != null) {
            if (e == n) {
                if (pred == null) {
                    SLOT.setRelease(tab, i, n.chain);
                } else {
                    pred.chain = n.chain;
                }
                SIZE.setRelease(sizeCell, SIZE_AT, (int) SIZE.get(sizeCell, SIZE_AT) - 1); // n.chain stays: readers on n go on
                return true;
            }
            pred = e;
            e = e.chain;
        }
        return false;
    }

    int size() {
        return (int) SIZE.getAcquire(sizeCell, SIZE_AT);
    }

    /** Visits every node. Lock held; {@code action} must not change the table. */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<Node<K, V>> action) {
        Node<K, V>[] tab = table;
        for (int i = 0; i < tab.length; i++) {
            for (Node<K, V> e = (Node<K, V>) SLOT.get(tab, i); e != null; e = e.chain) {
                action.accept(e);
            }
        }
    }

    /**
     * Copies the nodes of whole chains from bucket {@code from} on into {@code into}, as many as fit
     * (a chain longer than the array is taken in part); returns the bucket to continue from, or -1
     * once the table has been walked. For removing in batches with the lock released in between:
     * after a resize the walk restarts at 0 (see {@link #resizeCount}). Lock held.
     */
    @SuppressWarnings("unchecked")
    int take(int from, Node<K, V>[] into) {
        Node<K, V>[] tab = table;
        java.util.Arrays.fill(into, null);
        int count = 0;
        for (int i = from; i < tab.length; i++) {
            int chain = 0;
            for (Node<K, V> e = (Node<K, V>) SLOT.get(tab, i); e != null; e = e.chain) {
                chain++;
            }
            if (count + chain > into.length) {
                if (count == 0) { // a chain longer than the batch: take part of it, come back to it
                    Node<K, V> e = (Node<K, V>) SLOT.get(tab, i);
                    for (; count < into.length; e = e.chain) {
                        into[count++] = e;
                    }
                }
                return i;
            }
            for (Node<K, V> e = (Node<K, V>) SLOT.get(tab, i); e != null; e = e.chain) {
                into[count++] = e;
            }
        }
        return -1;
    }

    /** Changes whenever the table is resized. */
    int resizeCount() {
        return resizes;
    }

    /** Doubles the table, moving every node to its new chain. Lock held. */
    @SuppressWarnings("unchecked")
    private void grow() {
        Node<K, V>[] old = table;
        if (old.length >= MAX_CAPACITY) {
            threshold = Integer.MAX_VALUE;
            return;
        }
        Node<K, V>[] tab = newTable(old.length * 2);
        int mask = tab.length - 1;
        resizes++; // odd: misses from now on are not trusted
        for (int i = 0; i < old.length; i++) {
            Node<K, V> e = (Node<K, V>) SLOT.get(old, i);
            while (e != null) {
                Node<K, V> next = e.chain;
                int j = e.hash & mask;
                e.chain = tab[j];
                tab[j] = e;
                e = next;
            }
        }
        table = tab; // volatile: publishes the new chains
        threshold = tab.length / 4 * 3;
        resizes++; // even again
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Node<K, V>[] newTable(int capacity) {
        return (Node<K, V>[]) new Node[capacity];
    }
}
