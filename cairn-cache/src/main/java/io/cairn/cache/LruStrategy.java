package io.cairn.cache;

/**
 * Least recently used: one queue in access order, the head is the victim. The textbook policy
 * (e.g. Tanenbaum, "Modern Operating Systems", page replacement), kept as the baseline every other
 * policy must beat and the reference the hit-ratio simulator checks against an access-ordered
 * LinkedHashMap.
 */
final class LruStrategy<K, V> implements EvictionStrategy<K, V> {
    private final IntrusiveDeque.PolicyDeque<K, V> queue = new IntrusiveDeque.PolicyDeque<>();

    @Override
    public void setMaximum(long maximum) {
    }

    @Override
    public void onInsert(Node<K, V> node) {
        queue.addLast(node);
    }

    @Override
    public void onAccess(Node<K, V> node) {
        queue.moveToLast(node);
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        queue.unlink(node);
    }

    @Override
    public Node<K, V> selectVictim() {
        return queue.first();
    }

    @Override
    public void clear() {
        queue.clear();
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        long w = queue.checkWeights("lru queue", -1);
        Invariants.require(queue.size() == entries, "lru: %d queued, cache holds %d", queue.size(), entries);
        Invariants.require(w == weight, "lru: queued weight %d, cache weight %d", w, weight);
    }
}
