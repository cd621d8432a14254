package io.cairn.cache;

/**
 * S3-FIFO: Yang, Zhang, Qiu, Yue, Rashmi, "FIFO queues are all you need for cache eviction",
 * SOSP 2023.
 *
 * <p>Three FIFO queues: a small one (10 % of the bound) that every new entry enters, the main one
 * (the rest), and a ghost queue of keys recently evicted from the small one (as much weight as the
 * main queue may hold). Each entry counts its hits up to 3. When the small queue is over its share,
 * its oldest entry moves to the main queue if it was hit at least once, else it is evicted and
 * remembered as a ghost; otherwise the main queue's oldest entry is evicted if its count is zero, or
 * goes back to the main queue's newer end with its count lowered by one. A miss on a ghost key
 * enters the main queue directly. One-hit wonders thus leave after a short stay in the small queue
 * without displacing the main queue, which behaves as a CLOCK with a small counter.
 *
 * <p>State per entry lives in {@link Node#queue}: the queue in the low two bits, the count above.
 */
final class S3FifoStrategy<K, V> implements EvictionStrategy<K, V> {
    private static final int SMALL = 1;
    private static final int MAIN = 2;
    private static final int MAX_FREQ = 3;
    private static final double SMALL_SHARE = 0.10;

    private final IntrusiveDeque.PolicyDeque<K, V> small = new IntrusiveDeque.PolicyDeque<>();
    private final IntrusiveDeque.PolicyDeque<K, V> main = new IntrusiveDeque.PolicyDeque<>();
    /** Ghost keys (by hash) with their entry's weight, oldest first. */
    private final GhostQueue ghosts = new GhostQueue();
    private long maximum;
    private long smallMax;
    private long smallWeight;

    S3FifoStrategy(long maximum) {
        setMaximum(maximum);
    }

    @Override
    public void setMaximum(long m) {
        maximum = m;
        smallMax = Math.max(1, (long) (SMALL_SHARE * m));
        trimGhosts();
    }

    private static int segment(Node<?, ?> n) {
        return n.queue & 3;
    }

    private static int freq(Node<?, ?> n) {
        return n.queue >>> 2;
    }

    private static void mark(Node<?, ?> n, int segment, int freq) {
        n.queue = (byte) (segment | freq << 2);
    }

    @Override
    public void onInsert(Node<K, V> node) {
        if (ghosts.remove(node.hash) >= 0) {
            mark(node, MAIN, 0);
            main.addLast(node);
        } else {
            mark(node, SMALL, 0);
            small.addLast(node);
            smallWeight += node.weight;
        }
    }

    @Override
    public void onAccess(Node<K, V> node) {
        mark(node, segment(node), Math.min(MAX_FREQ, freq(node) + 1));
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
        if (segment(node) == SMALL) {
            smallWeight += node.weight - oldWeight;
        }
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        if (segment(node) == SMALL) {
            small.unlink(node);
            smallWeight -= node.weight;
            if (evicted) {
                ghosts.add(node.hash, node.weight);
                trimGhosts();
            }
        } else {
            main.unlink(node);
        }
        node.queue = 0;
    }

    @Override
    public Node<K, V> selectVictim() {
        while (true) {
            if (!small.isEmpty() && (smallWeight > smallMax || main.isEmpty())) {
                Node<K, V> t = small.first();
                if (freq(t) == 0) {
                    return t;
                }
                small.unlink(t);
                smallWeight -= t.weight;
                mark(t, MAIN, 0);
                main.addLast(t);
            } else {
                Node<K, V> t = main.first();
                if (t == null || freq(t) == 0) {
                    return t;
                }
                mark(t, MAIN, freq(t) - 1);
                main.moveToLast(t);
            }
        }
    }

    private void trimGhosts() {
        ghosts.trimTo(Math.max(0, maximum - smallMax));
    }

    @Override
    public void clear() {
        small.clear();
        main.clear();
        smallWeight = 0;
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        long s = small.checkLinks("s3fifo small", n -> n.weight, n -> segment(n) == SMALL);
        long m = main.checkLinks("s3fifo main", n -> n.weight, n -> segment(n) == MAIN);
        Invariants.require(s == smallWeight, "s3fifo: small queue weighs %d, counted %d", s, smallWeight);
        Invariants.require(small.size() + main.size() == entries, "s3fifo: %d queued, cache holds %d",
                small.size() + main.size(), entries);
        Invariants.require(s + m == weight, "s3fifo: queues weigh %d, cache weight %d", s + m, weight);
        long g = ghosts.sumWeights();
        Invariants.require(g == ghosts.weight() && g <= Math.max(0, maximum - smallMax),
                "s3fifo: ghosts weigh %d, counted %d, bound %d", g, ghosts.weight(), maximum - smallMax);
    }
}
