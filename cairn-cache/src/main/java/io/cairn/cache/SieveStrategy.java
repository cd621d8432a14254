package io.cairn.cache;

/**
 * SIEVE: Zhang, Yang, Yue, Vigfusson, Rashmi, "SIEVE is Simpler than LRU: an Efficient Turn-Key
 * Eviction Algorithm for Web Caches", NSDI 2024.
 *
 * <p>One FIFO queue (oldest first) and a visited mark per entry. A hit only sets the mark, so it
 * moves nothing. To evict, a hand walks from where it stopped last towards the newer end (wrapping
 * to the oldest), clearing marks, and stops at the first unmarked entry: that one goes. Survivors
 * keep their place, so the hand sweeps out entries that were not asked for since its last pass,
 * while new entries, inserted at the newer end, stay behind the hand until it comes round.
 *
 * <p>Weighted form: the cache asks for victims until the weight fits, each one found this way.
 */
final class SieveStrategy<K, V> implements EvictionStrategy<K, V> {
    private static final byte UNVISITED = 1;
    private static final byte VISITED = 2;

    private final IntrusiveDeque.PolicyDeque<K, V> queue = new IntrusiveDeque.PolicyDeque<>();
    /** Where the next search starts; null means at the oldest entry. */
    private Node<K, V> hand;

    @Override
    public void setMaximum(long maximum) {
    }

    @Override
    public void onInsert(Node<K, V> node) {
        node.queue = UNVISITED;
        queue.addLast(node);
    }

    @Override
    public void onAccess(Node<K, V> node) {
        node.queue = VISITED;
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        if (node == hand) {
            hand = node.next; // towards the newer end, as the paper's hand moves after an eviction
        }
        queue.unlink(node);
        node.queue = 0;
    }

    @Override
    public Node<K, V> selectVictim() {
        if (queue.isEmpty()) {
            return null;
        }
        Node<K, V> n = hand == null ? queue.first() : hand;
        while (n.queue == VISITED) {
            n.queue = UNVISITED;
            n = n.next == null ? queue.first() : n.next;
        }
        hand = n;
        return n;
    }

    @Override
    public void clear() {
        queue.clear();
        hand = null;
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        long w = queue.checkWeights("sieve queue", -1);
        Invariants.require(queue.size() == entries, "sieve: %d queued, cache holds %d", queue.size(), entries);
        Invariants.require(w == weight, "sieve: queued weight %d, cache weight %d", w, weight);
        Invariants.require(hand == null || hand.queue == UNVISITED || hand.queue == VISITED,
                "sieve: hand %s is not queued", hand);
    }
}
