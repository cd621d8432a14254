package io.cairn.cache;

/**
 * A doubly linked deque whose links live in the elements themselves, so moving an element costs no
 * allocation. Not thread-safe; the caller guarantees an element is in at most one deque of a given
 * kind and only unlinks elements it added.
 */
abstract class IntrusiveDeque<E> {
    private E head;
    private E tail;
    private int size;

    abstract E prev(E e);

    abstract E next(E e);

    abstract void setPrev(E e, E prev);

    abstract void setNext(E e, E next);

    final boolean isEmpty() {
        return head == null;
    }

    final int size() {
        return size;
    }

    /** The least recently added or moved element. */
    final E first() {
        return head;
    }

    final E last() {
        return tail;
    }

    final void addLast(E e) {
        setPrev(e, tail);
        setNext(e, null);
        if (tail == null) {
            head = e;
        } else {
            setNext(tail, e);
        }
        tail = e;
        size++;
    }

    final void unlink(E e) {
        E p = prev(e);
        E n = next(e);
        if (p == null) {
            head = n;
        } else {
            setNext(p, n);
        }
        if (n == null) {
            tail = p;
        } else {
            setPrev(n, p);
        }
        setPrev(e, null);
        setNext(e, null);
        size--;
    }

    final void moveToLast(E e) {
        if (e != tail) {
            unlink(e);
            addLast(e);
        }
    }

    final E pollFirst() {
        E e = head;
        if (e != null) {
            unlink(e);
        }
        return e;
    }

    final void clear() {
        E e = head;
        while (e != null) {
            E n = next(e);
            setPrev(e, null);
            setNext(e, null);
            e = n;
        }
        head = null;
        tail = null;
        size = 0;
    }

    /**
     * Walks the deque checking both directions of every link and the size; returns the sum of
     * {@code weight} over the elements. Throws IllegalStateException naming {@code what}.
     */
    final long checkLinks(String what, java.util.function.ToLongFunction<E> weight,
                          java.util.function.Predicate<E> member) {
        long sum = 0;
        int n = 0;
        E before = null;
        for (E e = head; e != null; e = next(e)) {
            if (prev(e) != before) {
                throw new IllegalStateException(what + ": broken prev link at " + e);
            }
            if (!member.test(e)) {
                throw new IllegalStateException(what + ": holds an element marked for another queue: " + e);
            }
            sum += weight.applyAsLong(e);
            before = e;
            if (++n > size) {
                throw new IllegalStateException(what + ": more elements than its size " + size + " (a cycle?)");
            }
        }
        if (before != tail || n != size) {
            throw new IllegalStateException(what + ": size " + size + " but " + n + " linked, or tail wrong");
        }
        return sum;
    }

    /** The policy's own queue of nodes (prev/next links). */
    static final class PolicyDeque<K, V> extends IntrusiveDeque<Node<K, V>> {
        long checkWeights(String what, int queue) {
            return checkLinks(what, n -> n.weight, n -> queue < 0 || n.queue == queue);
        }

        @Override Node<K, V> prev(Node<K, V> e) { return e.prev; }
        @Override Node<K, V> next(Node<K, V> e) { return e.next; }
        @Override void setPrev(Node<K, V> e, Node<K, V> p) { e.prev = p; }
        @Override void setNext(Node<K, V> e, Node<K, V> n) { e.next = n; }
    }

    /** Nodes in write order, for expire-after-write. */
    static final class WriteOrderDeque<K, V> extends IntrusiveDeque<Node.Timed<K, V>> {
        @Override Node.Timed<K, V> prev(Node.Timed<K, V> e) { return e.writePrev; }
        @Override Node.Timed<K, V> next(Node.Timed<K, V> e) { return e.writeNext; }
        @Override void setPrev(Node.Timed<K, V> e, Node.Timed<K, V> p) { e.writePrev = p; }
        @Override void setNext(Node.Timed<K, V> e, Node.Timed<K, V> n) { e.writeNext = n; }
    }

    /** Nodes in access order, for expire-after-access. */
    static final class AccessOrderDeque<K, V> extends IntrusiveDeque<Node.Timed<K, V>> {
        @Override Node.Timed<K, V> prev(Node.Timed<K, V> e) { return e.accessPrev; }
        @Override Node.Timed<K, V> next(Node.Timed<K, V> e) { return e.accessNext; }
        @Override void setPrev(Node.Timed<K, V> e, Node.Timed<K, V> p) { e.accessPrev = p; }
        @Override void setNext(Node.Timed<K, V> e, Node.Timed<K, V> n) { e.accessNext = n; }
    }
}
