package io.cairn.blockstore;

/**
 * Window TinyLFU over the off-heap cache's slot numbers: the structure of the heap engine's
 * W-TinyLFU (Einziger, Friedman &amp; Manes, ACM ToS 2017; the window sized by hill climbing as in
 * Einziger, Eytan, Friedman &amp; Manes, Middleware 2018) on primitive arrays, with no object per
 * entry.
 *
 * <p>Three LRU lists, in bytes (each entry weighs its allocation's rounded size): the admission
 * window (starting at 1 % of the maximum), then the main space split into probation and protected
 * (protected up to 80 % of it). A new block enters the window. The window's overflow moves to
 * probation's tail as <em>candidates</em>; while an allocation does not fit, the oldest candidate
 * is weighed against probation's head (the <em>victim</em>) by {@link FrequencySketch} and the less
 * asked-for one is evicted, so one-time scans pass through the window without displacing the
 * working set while recency keeps a window of its own. A hit in probation promotes to protected,
 * whose overflow is demoted back. The window always keeps its newest entry, even one larger than
 * its budget (a budget under one block, in a small cache, would otherwise leave no window at all,
 * where the heap engine's unit weights round up to one entry). A warm candidate (frequency &ge; 6) is admitted at
 * random one time in 128 against hash flooding (seeded, so a single-threaded replay repeats). Every
 * ten times the entry count of requests, the window moves a step toward what raised the sampled hit
 * rate (6.25 % of the maximum, restarted on a 5-point change, decaying 2 % a sample, at most 1,000
 * entries moved a step).
 *
 * <p>Per entry: a previous and a next link, {@code int}s in chunks of {@link OffHeapBlockCache#CHUNK}
 * (8 B), the list an entry is on kept in the top two bits of its previous link. Hits reach the lists
 * and the sketch through a {@link HitBuffer}; every method here but {@link #offerHit} runs under the
 * cache's lock.
 */
final class WindowTinyLfu {
    /** What the cache tells the policy about a slot it holds. */
    interface Slots {
        /** The bytes the slot's allocation occupies. */
        int weight(int slot);

        /** The slot's key hash, as the cache spreads it. */
        int hash(int slot);
    }

    static final int NONE = -1;

    private static final int WINDOW = 1;
    private static final int PROBATION = 2;
    private static final int PROTECTED = 3;
    private static final int LINK_MASK = (1 << 30) - 1;

    private static final double INITIAL_WINDOW_SHARE = 0.01;
    private static final double PROTECTED_SHARE_OF_MAIN = 0.80;
    private static final double STEP_PERCENT = 0.0625;
    private static final double RESTART_THRESHOLD = 0.05;
    private static final double STEP_DECAY = 0.98;
    private static final int TRANSFER_LIMIT = 1000;
    private static final int WARM_CANDIDATE = 6;

    private final Slots slots;
    private final long maximum;
    private final FrequencySketch sketch = new FrequencySketch(OffHeapBlockCache.CHUNK);
    private final HitBuffer hits = new HitBuffer();
    private int[][] prev = new int[4][];
    private int[][] next = new int[4][];

    private final int[] head = new int[4];
    private final int[] tail = new int[4];
    private final long[] weight = new long[4];
    private final int[] count = new int[4];
    private long windowMax;
    private long protectedMax;

    private int candidate = NONE;
    private int newcomerWeight;

    private boolean sampling;
    private int sampleSize;
    private int hitsInSample;
    private int missesInSample;
    private double previousHitRate;
    private double stepSize;
    private long pendingAdjustment;
    private long random = 0x2545F4914F6CDD1DL;

    WindowTinyLfu(long maximum, Slots slots) {
        this.maximum = maximum;
        this.slots = slots;
        this.windowMax = maximum - (long) ((1.0 - INITIAL_WINDOW_SHARE) * maximum);
        this.protectedMax = (long) (PROTECTED_SHARE_OF_MAIN * (maximum - windowMax));
        this.stepSize = -STEP_PERCENT * maximum;
        java.util.Arrays.fill(head, NONE);
        java.util.Arrays.fill(tail, NONE);
    }

    // ---------------------------------------------------------------- without the lock

    /** Records a hit on the slot holding the key with this hash; false if the caller must drain first (stripe full). */
    boolean offerHit(int slot, int hash) {
        return hits.offer(slot, hash);
    }

    // ---------------------------------------------------------------- under the cache's lock

    /** Applies the recorded hits. */
    void drain() {
        hits.drain(this::onHit);
    }

    private void onHit(int slot, int hash) {
        sketch.increment(hash);
        int q = queueOf(slot);
        if (q == 0) {
            return; // evicted since the hit was recorded (a slot reused meanwhile is credited wrongly: rare)
        }
        candidate = NONE;
        switch (q) {
            case WINDOW -> moveToTail(WINDOW, slot);
            case PROBATION -> promote(slot);
            default -> moveToTail(PROTECTED, slot);
        }
        if (sampling) {
            hitsInSample++;
            climbIfSampled();
        }
    }

    /**
     * A block of {@code weight} bytes whose key hashes to {@code hash} is about to be allocated:
     * the window makes room for it, its overflow becoming the candidates {@link #victim} weighs.
     */
    void beginInsert(int weight, int hash) {
        candidate = NONE;
        newcomerWeight = weight;
        startSamplingWhenHalfFull();
        sketch.increment(hash);
        evictFromWindow(weight);
        if (sampling) {
            missesInSample++;
            climbIfSampled();
        }
    }

    /** What to evict so that the newcomer fits: a slot, or {@link #NONE} (the lists are empty). */
    int victim() {
        evictFromWindow(newcomerWeight);
        int victim = head[PROBATION];
        if (victim == NONE) {
            victim = head[PROTECTED];
        }
        if (victim == NONE) {
            victim = head[WINDOW];
        }
        if (victim == NONE || candidate == NONE || candidate == victim) {
            return victim;
        }
        if (slots.weight(candidate) > maximum || !admit(slots.hash(candidate), slots.hash(victim))) {
            return candidate;
        }
        candidate = after(candidate);
        return victim;
    }

    /** The newcomer got its allocation: it enters the window. */
    void inserted(int slot, int weight) {
        ensure(slot);
        link(WINDOW, slot, weight);
        newcomerWeight = 0;
    }

    /** The slot left the cache (evicted, invalidated, trimmed). */
    void removed(int slot) {
        int q = queueOf(slot);
        if (q == 0) {
            return;
        }
        if (slot == candidate) {
            candidate = after(slot);
        }
        unlink(q, slot, slots.weight(slot));
    }

    /** Forgets every entry (the cache was emptied). */
    void clear() {
        for (int q = WINDOW; q <= PROTECTED; q++) {
            while (head[q] != NONE) {
                unlink(q, head[q], slots.weight(head[q]));
            }
        }
        candidate = NONE;
    }

    /** The sketch's room grows with the entries (2.7 B an entry). */
    void entriesNow(int entries) {
        if (entries > sketch.capacity()) {
            sketch.resize(entries);
        }
    }

    long windowMaximum() {
        return windowMax;
    }

    long windowBytes() {
        return weight[WINDOW];
    }

    long protectedBytes() {
        return weight[PROTECTED];
    }

    /** Heap held: the links, the sketch and the hit buffer. */
    long bytes() {
        long b = 2 * (16 + 4L * prev.length) + sketch.bytes() + hits.bytes() + 200;
        for (int[] c : prev) {
            if (c != null) {
                b += 2 * (16 + 4L * c.length);
            }
        }
        return b;
    }

    /** Lists linked both ways, counts and weights as recorded; for tests. */
    void checkInvariants(int entries) {
        int n = 0;
        for (int q = WINDOW; q <= PROTECTED; q++) {
            long w = 0;
            int c = 0;
            int before = NONE;
            for (int s = head[q]; s != NONE; before = s, s = after(s)) {
                if (queueOf(s) != q || before(s) != before) {
                    throw new IllegalStateException("list " + q + " broken at slot " + s);
                }
                w += slots.weight(s);
                c++;
            }
            if (before != tail[q] || w != weight[q] || c != count[q]) {
                throw new IllegalStateException("list " + q + ": " + c + " entries of " + w + " B, counted "
                        + count[q] + " of " + weight[q]);
            }
            n += c;
        }
        if (n != entries) {
            throw new IllegalStateException(n + " entries listed, the cache holds " + entries);
        }
        if (windowMax < 0 || protectedMax < 0 || windowMax + protectedMax > maximum) {
            throw new IllegalStateException("window " + windowMax + " + protected " + protectedMax + " > " + maximum);
        }
    }

    // ---------------------------------------------------------------- policy

    private boolean admit(int candidateHash, int victimHash) {
        int candidateFreq = sketch.frequency(candidateHash);
        int victimFreq = sketch.frequency(victimHash);
        if (candidateFreq > victimFreq) {
            return true;
        }
        if (candidateFreq >= WARM_CANDIDATE) {
            random ^= random << 13;
            random ^= random >>> 7;
            random ^= random << 17;
            return (random & 127) == 0;
        }
        return false;
    }

    /**
     * Moves the window's overflow, with {@code incoming} more bytes due, to probation's tail; the
     * first entry moved is the candidate {@link #victim} weighs.
     */
    private void evictFromWindow(int incoming) {
        while (weight[WINDOW] + incoming > windowMax && head[WINDOW] != NONE) {
            int s = head[WINDOW];
            int w = slots.weight(s);
            unlink(WINDOW, s, w);
            link(PROBATION, s, w);
            if (candidate == NONE) {
                candidate = s;
            }
        }
    }

    private void promote(int slot) {
        int w = slots.weight(slot);
        if (w > protectedMax) {
            moveToTail(PROBATION, slot);
            return;
        }
        if (slot == candidate) {
            candidate = after(slot);
        }
        unlink(PROBATION, slot, w);
        link(PROTECTED, slot, w);
        demoteFromProtected();
    }

    private void demoteFromProtected() {
        while (weight[PROTECTED] > protectedMax && head[PROTECTED] != NONE) {
            int s = head[PROTECTED];
            int w = slots.weight(s);
            unlink(PROTECTED, s, w);
            link(PROBATION, s, w);
        }
    }

    private void startSamplingWhenHalfFull() {
        long total = weight[WINDOW] + weight[PROBATION] + weight[PROTECTED];
        int entries = count[WINDOW] + count[PROBATION] + count[PROTECTED];
        if (total == 0 || entries == 0 || (!sampling && total < maximum / 2)) {
            return;
        }
        long expected = Math.max(entries, (long) (maximum / Math.max(1.0, (double) total / entries)));
        if (!sampling || expected > 2L * sampleSize / 10) {
            sampleSize = (int) Math.min(Integer.MAX_VALUE / 2, 10 * expected);
        }
        if (!sampling) {
            sketch.resize((int) Math.min(1 << 24, expected)); // sized for the cache full, as in the heap engine
            sampling = true;
        }
    }

    private void climbIfSampled() {
        int requests = hitsInSample + missesInSample;
        if (requests >= sampleSize) {
            double hitRate = (double) hitsInSample / requests;
            double change = hitRate - previousHitRate;
            double amount = change >= 0 ? stepSize : -stepSize;
            stepSize = Math.abs(change) >= RESTART_THRESHOLD
                    ? STEP_PERCENT * maximum * (amount >= 0 ? 1 : -1)
                    : STEP_DECAY * amount;
            previousHitRate = hitRate;
            hitsInSample = 0;
            missesInSample = 0;
            pendingAdjustment = (long) amount;
        }
        if (pendingAdjustment > 0) {
            growWindow();
        } else if (pendingAdjustment < 0) {
            shrinkWindow();
        }
    }

    /** Takes quota from protected and moves main-space LRU entries into the window. */
    private void growWindow() {
        long quota = Math.min(pendingAdjustment, protectedMax);
        protectedMax -= quota;
        windowMax += quota;
        demoteFromProtected();
        for (int i = 0; i < TRANSFER_LIMIT; i++) {
            int s = head[PROBATION];
            int q = PROBATION;
            if (s == NONE || quota < slots.weight(s)) {
                s = head[PROTECTED];
                q = PROTECTED;
            }
            if (s == NONE) {
                break;
            }
            int w = slots.weight(s);
            if (quota < w) {
                break;
            }
            quota -= w;
            if (s == candidate) {
                candidate = after(s);
            }
            unlink(q, s, w);
            link(WINDOW, s, w);
        }
        protectedMax += quota;
        windowMax -= quota;
        pendingAdjustment = quota;
    }

    /** Gives window share back to protected, moving window LRU entries to probation. */
    private void shrinkWindow() {
        if (windowMax <= 1) {
            pendingAdjustment = 0;
            return;
        }
        long quota = Math.min(-pendingAdjustment, windowMax - 1);
        protectedMax += quota;
        windowMax -= quota;
        for (int i = 0; i < TRANSFER_LIMIT; i++) {
            int s = head[WINDOW];
            if (s == NONE) {
                break;
            }
            int w = slots.weight(s);
            if (quota < w) {
                break;
            }
            quota -= w;
            unlink(WINDOW, s, w);
            link(PROBATION, s, w);
        }
        protectedMax -= quota;
        windowMax += quota;
        pendingAdjustment = -quota;
    }

    // ---------------------------------------------------------------- links

    private void ensure(int slot) {
        int ci = slot >>> 10;
        if (ci >= prev.length) {
            int n = Math.max(prev.length * 2, ci + 1);
            prev = java.util.Arrays.copyOf(prev, n);
            next = java.util.Arrays.copyOf(next, n);
        }
        if (prev[ci] == null) {
            prev[ci] = new int[OffHeapBlockCache.CHUNK];
            next[ci] = new int[OffHeapBlockCache.CHUNK];
        }
    }

    private int queueOf(int slot) {
        int ci = slot >>> 10;
        return ci < prev.length && prev[ci] != null ? prev[ci][slot & 1023] >>> 30 : 0;
    }

    /** The next slot toward the tail, or NONE. */
    private int after(int slot) {
        return next[slot >>> 10][slot & 1023] - 1;
    }

    private int before(int slot) {
        return (prev[slot >>> 10][slot & 1023] & LINK_MASK) - 1;
    }

    private void setPrev(int slot, int q, int p) {
        prev[slot >>> 10][slot & 1023] = (q << 30) | (p + 1);
    }

    private void setNext(int slot, int n) {
        next[slot >>> 10][slot & 1023] = n + 1;
    }

    private void link(int q, int slot, int w) {
        int t = tail[q];
        setPrev(slot, q, t);
        setNext(slot, NONE);
        if (t == NONE) {
            head[q] = slot;
        } else {
            setNext(t, slot);
        }
        tail[q] = slot;
        weight[q] += w;
        count[q]++;
    }

    private void unlink(int q, int slot, int w) {
        int p = before(slot);
        int n = next[slot >>> 10][slot & 1023] - 1;
        if (p == NONE) {
            head[q] = n;
        } else {
            setNext(p, n);
        }
        if (n == NONE) {
            tail[q] = p;
        } else {
            setPrev(n, q, p);
        }
        prev[slot >>> 10][slot & 1023] = 0;
        next[slot >>> 10][slot & 1023] = 0;
        weight[q] -= w;
        count[q]--;
    }

    private void moveToTail(int q, int slot) {
        if (tail[q] == slot) {
            return;
        }
        int w = slots.weight(slot);
        unlink(q, slot, w);
        link(q, slot, w);
    }
}
