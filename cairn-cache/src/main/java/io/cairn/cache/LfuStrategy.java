package io.cairn.cache;

/**
 * Least frequently used with dynamic aging: LFU-DA, and its weighted form GDSF.
 *
 * <p>Sources: M. Arlitt, L. Cherkasova, J. Dilley, R. Friedrich, T. Jin, "Evaluating Content
 * Management Techniques for Web Proxy Caches", ACM SIGMETRICS Performance Evaluation Review 27(4),
 * 2000 (LFU-DA and GDSF); L. Cherkasova, "Improving WWW Proxies Performance with
 * Greedy-Dual-Size-Frequency Caching Policy", HP Labs HPL-98-69, 1998.
 *
 * <p>Each entry has priority {@code H = L + F / W}: its reference count F, its weight W (treated as
 * 1 when the weigher says 0) and the cache age L. The victim is the entry with the lowest H, the
 * least recently used among equals; evicting it raises L to its H. Plain LFU never forgets, so an
 * entry that was hot once squats forever; the age L makes every newcomer start at the level of the
 * last victim, so old counts lose their weight as the cache turns over ("aging" without a periodic
 * pass over all entries). With unit weights this is exactly LFU-DA. With byte weights the division
 * by W makes it GDSF: among equally popular entries the big one goes first, which maximizes the
 * number of hits per byte held; that is the sensible reading of "frequency" when the bound is
 * bytes. Costs O(log n) per access (an indexed binary heap in the nodes, no allocation).
 */
final class LfuStrategy<K, V> implements EvictionStrategy<K, V> {
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Node<K, V>[] heap = new Node[16];
    private int size;
    private double age;
    private long clock;

    @Override
    public void setMaximum(long maximum) {
    }

    @Override
    public void onInsert(Node<K, V> node) {
        node.aux = new Rank();
        d(node).frequency = 1;
        reprioritize(node);
        if (size == heap.length) {
            heap = java.util.Arrays.copyOf(heap, size * 2);
        }
        d(node).heapIndex = size;
        heap[size++] = node;
        siftUp(d(node).heapIndex);
    }

    @Override
    public void onAccess(Node<K, V> node) {
        if (d(node).frequency < Integer.MAX_VALUE) {
            d(node).frequency++;
        }
        reprioritize(node);
        siftDown(d(node).heapIndex); // priority and sequence only grow
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
        d(node).priority = age + d(node).frequency / (double) Math.max(1, node.weight);
        int i = d(node).heapIndex;
        siftUp(i);
        siftDown(d(node).heapIndex);
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        if (evicted) {
            age = Math.max(age, d(node).priority);
        }
        int i = d(node).heapIndex;
        Node<K, V> last = heap[--size];
        heap[size] = null;
        node.aux = null;
        if (last != node) {
            heap[i] = last;
            d(last).heapIndex = i;
            siftUp(i);
            siftDown(d(last).heapIndex);
        }
    }

    @Override
    public Node<K, V> selectVictim() {
        return size == 0 ? null : heap[0];
    }

    @Override
    public void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].aux = null;
            heap[i] = null;
        }
        size = 0;
    }

    /**
     * The per-entry state, hung on {@link Node#aux} only while this policy holds the node: the
     * other policies do not pay for LFU's fields (see docs/CACHE.md, "Costs per entry").
     */
    static final class Rank {
        int frequency;
        int heapIndex = -1;
        double priority;
        long sequence;
    }

    private static Rank d(Node<?, ?> n) {
        return (Rank) n.aux;
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        Invariants.require(size == entries, "lfu: heap holds %d, cache holds %d", size, entries);
        long w = 0;
        for (int i = 0; i < size; i++) {
            Rank r = d(heap[i]);
            Invariants.require(r != null && r.heapIndex == i, "lfu: node at %d thinks it is at %s", i,
                    r == null ? "nowhere" : r.heapIndex);
            Invariants.require(i == 0 || !less(heap[i], heap[(i - 1) >>> 1]), "lfu: heap order broken at %d", i);
            w += heap[i].weight;
        }
        Invariants.require(w == weight, "lfu: heap weighs %d, cache weight %d", w, weight);
    }

    /** The cache age L (for tests). */
    double age() {
        return age;
    }

    private void reprioritize(Node<K, V> node) {
        d(node).priority = age + d(node).frequency / (double) Math.max(1, node.weight);
        d(node).sequence = ++clock;
    }

    private static boolean less(Node<?, ?> a, Node<?, ?> b) {
        return d(a).priority < d(b).priority || (d(a).priority == d(b).priority && d(a).sequence < d(b).sequence);
    }

    private void siftUp(int i) {
        Node<K, V> n = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Node<K, V> p = heap[parent];
            if (!less(n, p)) {
                break;
            }
            heap[i] = p;
            d(p).heapIndex = i;
            i = parent;
        }
        heap[i] = n;
        d(n).heapIndex = i;
    }

    private void siftDown(int i) {
        Node<K, V> n = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Node<K, V> c = heap[child];
            int right = child + 1;
            if (right < size && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, n)) {
                break;
            }
            heap[i] = c;
            d(c).heapIndex = i;
            i = child;
        }
        heap[i] = n;
        d(n).heapIndex = i;
    }
}
