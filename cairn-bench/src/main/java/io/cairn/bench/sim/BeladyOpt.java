package io.cairn.bench.sim;

/**
 * Belady's clairvoyant policy (MIN, 1966), the upper bound for any policy that admits every miss:
 * on a miss with a full cache it evicts the resident entry whose next request lies farthest in the
 * future. This is the always-admit form used for the reference numbers in traces/README.md.
 *
 * <p>How: one backward pass gives, for each position {@code i}, the position of the next request
 * for the same key ({@code n + i} when there is none, so that every value is distinct). Each
 * resident entry is then represented by the position of its next request alone, kept in a
 * max-heap; the key at position {@code i} is resident exactly when some resident entry's next
 * request is {@code i}. O(n log c) time for n requests and capacity c, and a few ints per request.
 */
final class BeladyOpt implements PolicySimulator {

    @Override
    public String name() {
        return "opt";
    }

    @Override
    public long countHits(long[] trace, int capacity) {
        PolicySimulator.checkCapacity(capacity);
        int n = trace.length;
        if (n > (Integer.MAX_VALUE - 8) / 2) {
            throw new IllegalArgumentException("trace too long for opt: " + n + " events");
        }
        int[] next = nextUse(trace);
        // pending[p]: a resident entry will be requested next at position p (p < n)
        boolean[] pending = new boolean[n];
        IntMaxHeap heap = new IntMaxHeap(Math.min(n, capacity) + 16);
        int resident = 0;
        long hits = 0;
        for (int i = 0; i < n; i++) {
            if (pending[i]) {
                hits++;
                pending[i] = false;
                // the heap still holds i; it is below every live value from now on, so it is
                // skipped when it surfaces and purged when the heap compacts
            } else {
                if (resident == capacity) {
                    int victim = popLive(heap, i);
                    if (victim < n) {
                        pending[victim] = false;
                    }
                    resident--;
                }
                resident++;
            }
            int nu = next[i];
            if (nu < n) {
                pending[nu] = true;
            }
            heap.push(nu);
            if (heap.size() > 2 * capacity + 16) {
                heap.removeAtMost(i);
            }
        }
        return hits;
    }

    private static int popLive(IntMaxHeap heap, int now) {
        while (true) {
            int v = heap.pop();
            if (v > now) {
                return v;
            }
        }
    }

    /** next[i] = position of the next request for trace[i], or n + i if there is none. */
    static int[] nextUse(long[] trace) {
        int n = trace.length;
        int[] next = new int[n];
        LongIntMap seen = new LongIntMap(1 << 12);
        for (int i = n - 1; i >= 0; i--) {
            next[i] = seen.get(trace[i], n + i);
            seen.put(trace[i], i);
        }
        return next;
    }

    /** A binary max-heap of ints. */
    static final class IntMaxHeap {
        private int[] a;
        private int size;

        IntMaxHeap(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        int size() {
            return size;
        }

        void push(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] >= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        int pop() {
            if (size == 0) {
                throw new IllegalStateException("empty heap");
            }
            int top = a[0];
            int last = a[--size];
            if (size > 0) {
                a[0] = last;
                siftDown(0);
            }
            return top;
        }

        /** Drops every value {@code <= bound} and restores the heap order. */
        void removeAtMost(int bound) {
            int w = 0;
            for (int r = 0; r < size; r++) {
                if (a[r] > bound) {
                    a[w++] = a[r];
                }
            }
            size = w;
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(i);
            }
        }

        private void siftDown(int i) {
            int v = a[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && a[child + 1] > a[child]) {
                    child++;
                }
                if (a[child] <= v) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            a[i] = v;
        }
    }
}
