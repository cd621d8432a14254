package io.cairn.cache;

import java.util.Arrays;

/**
 * Writes that changed the table but not yet the policy: inserts, replacements and removals, in the
 * order the table saw them. Writers append under the cache's table lock (one writer at a time, so a
 * plain array suffices and an append allocates nothing); the eviction lock's holder swaps the log
 * for an empty one under the table lock and then applies it outside that lock (see
 * {@link LocalCache}). Parallel arrays instead of one object per task: a write allocates nothing
 * here beyond the array's occasional growth.
 */
final class WriteLog<K, V> {
    /** A new node joined the table. */
    static final byte ADD = 1;
    /** A node's value was replaced; {@link #ACCESS} and {@link #NEW_VALUE} may be or-ed in. */
    static final byte UPDATE = 2;
    /** With UPDATE: the replacement counts as an access for the policy. */
    static final byte ACCESS = 4;
    /** With UPDATE: the value object changed (a REPLACED removal to count). */
    static final byte NEW_VALUE = 8;
    /** A node left the table (explicit, expired or replaced-while-not-admitting); the cause is kept. */
    static final byte REMOVE = 16;

    private Node<K, V>[] nodes;
    private byte[] kinds;
    /** The new weight for ADD and UPDATE. */
    private int[] weights;
    private RemovalCause[] causes;
    private int size;

    @SuppressWarnings("unchecked")
    WriteLog() {
        nodes = (Node<K, V>[]) new Node[64];
        kinds = new byte[64];
        weights = new int[64];
        causes = new RemovalCause[64];
    }

    void add(Node<K, V> n, byte kind, int weight, RemovalCause cause) {
        if (size == nodes.length) {
            int cap = size * 2;
            nodes = Arrays.copyOf(nodes, cap);
            kinds = Arrays.copyOf(kinds, cap);
            weights = Arrays.copyOf(weights, cap);
            causes = Arrays.copyOf(causes, cap);
        }
        nodes[size] = n;
        kinds[size] = kind;
        weights[size] = weight;
        causes[size] = cause;
        size++;
    }

    int size() {
        return size;
    }

    Node<K, V> node(int i) {
        return nodes[i];
    }

    byte kind(int i) {
        return kinds[i];
    }

    int weight(int i) {
        return weights[i];
    }

    RemovalCause cause(int i) {
        return causes[i];
    }

    /** Forgets the applied tasks (and the nodes they held, for the collector). */
    void clear() {
        Arrays.fill(nodes, 0, size, null);
        Arrays.fill(causes, 0, size, null);
        size = 0;
    }
}
