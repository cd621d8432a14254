package io.cairn.cache;

import java.util.Arrays;

/**
 * S3-FIFO's ghost queue: keys recently evicted, oldest first, each with its entry's weight, known
 * only by their 32-bit spread hash ({@link Node#hash}). Primitive arrays only: a ring of (hash,
 * weight) in eviction order and an open-addressing index from hash to ring position, so remembering
 * and forgetting a ghost allocates nothing and holds no user key (a {@code LinkedHashMap} did both,
 * plus a boxed weight per ghost). Semantics are a {@code LinkedHashMap} in insertion order:
 * re-adding a ghost updates its weight and keeps its place. Two keys with one hash are one ghost.
 * Not thread-safe (eviction lock).
 */
final class GhostQueue {
    private static final int DEAD = -1;

    private int[] ringHashes = new int[16];
    private int[] ringWeights = new int[16];
    private long head;
    private long tail;
    /** Index: hash to ring sequence + 1 (0: empty slot); linear probing, backward-shift deletion. */
    private int[] keys = new int[32];
    private long[] seqs = new long[32];
    private int live;
    private long weight;

    long weight() {
        return weight;
    }

    int size() {
        return live;
    }

    /** Remembers a ghost (or updates the weight of one already remembered). */
    void add(int hash, int w) {
        int slot = find(hash);
        if (slot >= 0) {
            int at = (int) ((seqs[slot] - 1) & (ringHashes.length - 1));
            weight += w - ringWeights[at];
            ringWeights[at] = w;
            return;
        }
        if (tail - head == ringHashes.length) {
            growRing();
        }
        int at = (int) (tail & (ringHashes.length - 1));
        ringHashes[at] = hash;
        ringWeights[at] = w;
        tail++;
        if (2 * (live + 1) > keys.length) {
            growIndex();
        }
        insert(hash, tail); // sequence + 1
        live++;
        weight += w;
    }

    /** Forgets the ghost; its weight, or -1 if there was none. */
    int remove(int hash) {
        int slot = find(hash);
        if (slot < 0) {
            return -1;
        }
        int at = (int) ((seqs[slot] - 1) & (ringHashes.length - 1));
        int w = ringWeights[at];
        ringWeights[at] = DEAD;
        delete(slot);
        live--;
        weight -= w;
        return w;
    }

    /** Drops the oldest ghosts until they weigh at most {@code bound}. */
    void trimTo(long bound) {
        while (weight > bound && head < tail) {
            int at = (int) (head & (ringHashes.length - 1));
            head++;
            int w = ringWeights[at];
            if (w != DEAD) {
                delete(find(ringHashes[at]));
                live--;
                weight -= w;
            }
        }
        while (head < tail && ringWeights[(int) (head & (ringHashes.length - 1))] == DEAD) {
            head++; // removed ghosts at the old end take no room
        }
    }

    /** The remembered ghosts' weights, summed by walking the ring (for invariant checks). */
    long sumWeights() {
        long sum = 0;
        int n = 0;
        for (long s = head; s < tail; s++) {
            int w = ringWeights[(int) (s & (ringHashes.length - 1))];
            if (w != DEAD) {
                sum += w;
                n++;
            }
        }
        Invariants.require(n == live, "ghosts: %d in the ring, %d indexed", n, live);
        return sum;
    }

    private int find(int hash) {
        int mask = keys.length - 1;
        for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
            if (seqs[i] == 0) {
                return -1;
            }
            if (keys[i] == hash) {
                return i;
            }
        }
    }

    private void insert(int hash, long seqPlusOne) {
        int mask = keys.length - 1;
        int i = mix(hash) & mask;
        while (seqs[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = hash;
        seqs[i] = seqPlusOne;
    }

    /** Removes index slot {@code i}, shifting later members of its probe run back (no tombstones). */
    private void delete(int i) {
        int mask = keys.length - 1;
        int gap = i;
        for (int j = (i + 1) & mask; seqs[j] != 0; j = (j + 1) & mask) {
            int home = mix(keys[j]) & mask;
            // j may move into the gap if its home is not cyclically within (gap, j]
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                keys[gap] = keys[j];
                seqs[gap] = seqs[j];
                gap = j;
            }
        }
        seqs[gap] = 0;
    }

    /** The ring is full: moves the live ghosts, in order, to a ring twice their number (dead ones take no room). */
    private void growRing() {
        int n = ringHashes.length;
        int cap = Math.max(16, Integer.highestOneBit(Math.max(1, live)) << 2);
        int[] h = new int[cap];
        int[] w = new int[cap];
        int k = 0;
        for (long s = head; s < tail; s++) {
            int at = (int) (s & (n - 1));
            if (ringWeights[at] != DEAD) {
                h[k] = ringHashes[at];
                w[k] = ringWeights[at];
                seqs[find(h[k])] = k + 1;
                k++;
            }
        }
        ringHashes = h;
        ringWeights = w;
        head = 0;
        tail = k;
    }

    private void growIndex() {
        int[] oldKeys = keys;
        long[] oldSeqs = seqs;
        keys = new int[2 * oldKeys.length];
        seqs = new long[2 * oldKeys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldSeqs[i] != 0) {
                insert(oldKeys[i], oldSeqs[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(seqs, 0);
        head = tail = 0;
        live = 0;
        weight = 0;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
