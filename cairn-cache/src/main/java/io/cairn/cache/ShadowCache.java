package io.cairn.cache;

/**
 * A miniature simulation of one eviction policy over a spatially sampled share of the keys
 * (Waldspurger, Saemundsson, Ahmad, Park, "Cache Modeling and Optimization using Miniature
 * Simulations", USENIX ATC 2017): the keys whose hash falls under the sampling threshold, replayed
 * against a cache scaled down by the same rate. It reuses the engine's own strategies on private
 * nodes that hold the key (the sampled key's mixed hash) and the weight only. The nodes are found
 * through an open-addressing table of the nodes themselves (no map entry, no boxing on a lookup:
 * a shadow hit allocates nothing; a miss allocates its node and the boxed hash it keeps as key).
 * Not thread-safe: it is driven under the eviction lock.
 */
final class ShadowCache {
    private final EvictionPolicy policy;
    /** Linear probing on the key, backward-shift deletion; at most half full. */
    private Node<Integer, Object>[] slots = newSlots(16);
    private int size;
    private EvictionStrategy<Integer, Object> strategy;
    private long maximum;
    private long weight;

    ShadowCache(EvictionPolicy policy, long maximum) {
        this.policy = policy;
        this.maximum = maximum;
        this.strategy = EvictionStrategy.create(policy, maximum);
        strategy.setMaximum(maximum);
    }

    EvictionPolicy policy() {
        return policy;
    }

    /** One request: true on a hit; a miss admits the key (the policy may evict it at once). */
    boolean access(int key, long w) {
        Node<Integer, Object> n = find(key);
        if (n != null) {
            if (n.weight != w) {
                long old = n.weight;
                n.weight = Node.clampWeight(w);
                weight += w - old;
                strategy.onWeightChange(n, old);
            }
            strategy.onAccess(n);
            evict();
            return true;
        }
        n = new Node<>(key, null, w);
        insert(n);
        weight += w;
        strategy.onInsert(n);
        evict();
        return false;
    }

    private void evict() {
        while (weight > maximum) {
            Node<Integer, Object> victim = strategy.selectVictim();
            if (victim == null) {
                return;
            }
            delete(victim);
            weight -= victim.weight;
            strategy.onRemove(victim, true);
        }
    }

    private static int home(int key, int mask) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private Node<Integer, Object> find(int key) {
        Node<Integer, Object>[] t = slots;
        int mask = t.length - 1;
        for (int i = home(key, mask); t[i] != null; i = (i + 1) & mask) {
            if (t[i].key == key) { // unboxes the node's key; the lookup boxes nothing
                return t[i];
            }
        }
        return null;
    }

    private void insert(Node<Integer, Object> n) {
        if (2 * (size + 1) > slots.length) {
            Node<Integer, Object>[] old = slots;
            slots = newSlots(2 * old.length);
            for (Node<Integer, Object> e : old) {
                if (e != null) {
                    place(slots, e);
                }
            }
        }
        place(slots, n);
        size++;
    }

    private static void place(Node<Integer, Object>[] t, Node<Integer, Object> n) {
        int mask = t.length - 1;
        int i = home(n.key, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = n;
    }

    /** Removes the node, moving later members of its probe run back into the hole (no tombstones). */
    private void delete(Node<Integer, Object> n) {
        Node<Integer, Object>[] t = slots;
        int mask = t.length - 1;
        int hole = home(n.key, mask);
        while (t[hole] != n) {
            hole = (hole + 1) & mask;
        }
        for (int j = (hole + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int distanceFromHome = (j - home(t[j].key, mask)) & mask;
            if (distanceFromHome >= ((j - hole) & mask)) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
        size--;
    }

    @SuppressWarnings("unchecked")
    private static Node<Integer, Object>[] newSlots(int n) {
        return (Node<Integer, Object>[]) new Node[n];
    }

    void setMaximum(long m) {
        maximum = m;
        strategy.setMaximum(m);
        evict();
    }

    void checkInvariants() {
        long w = 0;
        int count = 0;
        for (Node<Integer, Object> n : slots) {
            if (n != null) {
                Invariants.require(find(n.key) == n, "shadow %s: node %s not found by its key", policy, n);
                w += n.weight;
                count++;
            }
        }
        Invariants.require(count == size, "shadow %s: %d nodes in the table, %d counted", policy, count, size);
        Invariants.require(w == weight, "shadow %s: nodes weigh %d, counted %d", policy, w, weight);
        Invariants.require(weight <= maximum || size <= 1, "shadow %s: weight %d over its maximum %d",
                policy, weight, maximum);
        strategy.checkInvariants(size, weight);
    }

    int size() {
        return size;
    }
}
