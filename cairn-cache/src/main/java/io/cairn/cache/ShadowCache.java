package io.cairn.cache;

import java.util.HashMap;

/**
 * A miniature simulation of one eviction policy over a spatially sampled share of the keys
 * (Waldspurger, Saemundsson, Ahmad, Park, "Cache Modeling and Optimization using Miniature
 * Simulations", USENIX ATC 2017): the keys whose hash falls under the sampling threshold, replayed
 * against a cache scaled down by the same rate. It reuses the engine's own strategies on private
 * nodes that hold the key and the weight only. Not thread-safe: it is driven under the cache lock.
 */
final class ShadowCache<K> {
    private final EvictionPolicy policy;
    private final HashMap<K, Node<K, Object>> nodes = new HashMap<>();
    private EvictionStrategy<K, Object> strategy;
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
    boolean access(K key, long w) {
        Node<K, Object> n = nodes.get(key);
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
        nodes.put(key, n);
        weight += w;
        strategy.onInsert(n);
        evict();
        return false;
    }

    private void evict() {
        while (weight > maximum) {
            Node<K, Object> victim = strategy.selectVictim();
            if (victim == null) {
                return;
            }
            nodes.remove(victim.key);
            weight -= victim.weight;
            strategy.onRemove(victim, true);
        }
    }

    void setMaximum(long m) {
        maximum = m;
        strategy.setMaximum(m);
        evict();
    }

    void checkInvariants() {
        long w = 0;
        for (Node<K, Object> n : nodes.values()) {
            w += n.weight;
        }
        Invariants.require(w == weight, "shadow %s: nodes weigh %d, counted %d", policy, w, weight);
        Invariants.require(weight <= maximum || nodes.size() <= 1, "shadow %s: weight %d over its maximum %d",
                policy, weight, maximum);
        strategy.checkInvariants(nodes.size(), weight);
    }

    int size() {
        return nodes.size();
    }
}
