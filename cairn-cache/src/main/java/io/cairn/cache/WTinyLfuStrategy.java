package io.cairn.cache;

/**
 * Window TinyLFU with an adaptive window.
 *
 * <p>Sources: G. Einziger, R. Friedman, B. Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", ACM Transactions on Storage 13(4), 2017 (W-TinyLFU: an LRU admission window in front of a
 * segmented-LRU main space, with a TinyLFU filter deciding whether a window evictee may displace the
 * main space's victim); G. Einziger, O. Eytan, R. Friedman, B. Manes, "Adaptive Software Cache
 * Management", ACM/IFIP Middleware 2018 (sizing the window by hill climbing on the hit rate, the
 * scheme Caffeine ships).
 *
 * <p>Layout, in weight units: window (LRU, starts at 1 % of the maximum), probation and protected
 * (the SLRU main space; protected may take 80 % of it). New entries enter the window. When the
 * window overflows its LRU entries move to the tail of probation as <em>candidates</em>; while the
 * cache is over its bound, the oldest candidate is compared with probation's LRU entry (the
 * <em>victim</em>) by sketch frequency and the less popular one is evicted. A candidate that is not
 * more popular loses, so one-hit wonders and scans pass through the window without displacing the
 * established working set, while recency still gets 1 % (or, after adaptation, more) of the space.
 * A hit in probation promotes to protected; protected's overflow is demoted back to probation.
 *
 * <p>Hash flooding: an attacker who makes a victim look popular could keep it forever, so a
 * candidate that is itself warm (frequency &ge; 6) is admitted at random 1 time in 128. The random
 * source is seeded per cache, so single-threaded runs are reproducible.
 *
 * <p>Adaptation: every {@code 10 x capacity} accesses the hit rate of the sample is compared with
 * the previous one; if it improved, the window keeps moving in the same direction, otherwise it
 * turns. The step starts at 6.25 % of the maximum, restarts at that size when the hit rate jumps by
 * 5 points or more (the workload changed) and decays by 2 % per sample otherwise, so it settles.
 * Resizing moves entries between the window and the main space, at most 1,000 per sample to bound
 * the time spent under the lock; the rest of a large adjustment is carried to the next sample.
 */
final class WTinyLfuStrategy<K, V> implements EvictionStrategy<K, V> {
    static final byte WINDOW = 1;
    static final byte PROBATION = 2;
    static final byte PROTECTED = 3;

    private static final double INITIAL_WINDOW_SHARE = 0.01;
    private static final double PROTECTED_SHARE_OF_MAIN = 0.80;
    private static final double STEP_PERCENT = 0.0625;
    private static final double RESTART_THRESHOLD = 0.05;
    private static final double STEP_DECAY = 0.98;
    private static final int TRANSFER_LIMIT = 1000;
    private static final int WARM_CANDIDATE = 6;

    private final IntrusiveDeque.PolicyDeque<K, V> window = new IntrusiveDeque.PolicyDeque<>();
    private final IntrusiveDeque.PolicyDeque<K, V> probation = new IntrusiveDeque.PolicyDeque<>();
    private final IntrusiveDeque.PolicyDeque<K, V> protectedQ = new IntrusiveDeque.PolicyDeque<>();
    private final FrequencySketch sketch = new FrequencySketch();

    private long maximum;
    private long windowMax;
    private long protectedMax;
    private double windowShare;
    private double protectedShare;
    private long windowWeight;
    private long probationWeight;
    private long protectedWeight;
    private long entries;

    /** Oldest window evictee still waiting for its admission decision; candidates sit at probation's tail. */
    private Node<K, V> candidate;

    private int hitsInSample;
    private int missesInSample;
    private double previousHitRate;
    private double stepSize;
    private long pendingAdjustment;
    private long random = 0x2545F4914F6CDD1DL;

    WTinyLfuStrategy(long maximum) {
        this.maximum = maximum;
        this.windowMax = maximum - (long) ((1.0 - INITIAL_WINDOW_SHARE) * maximum);
        this.protectedMax = (long) (PROTECTED_SHARE_OF_MAIN * (maximum - windowMax));
        this.windowShare = maximum == 0 ? INITIAL_WINDOW_SHARE : (double) windowMax / maximum;
        this.protectedShare = maximum == 0 ? PROTECTED_SHARE_OF_MAIN * (1 - INITIAL_WINDOW_SHARE)
                : (double) protectedMax / maximum;
        this.stepSize = -STEP_PERCENT * maximum;
    }

    @Override
    public void setMaximum(long newMaximum) {
        if (newMaximum == maximum) {
            return;
        }
        maximum = newMaximum;
        windowMax = (long) (windowShare * newMaximum);
        protectedMax = (long) (protectedShare * newMaximum);
        stepSize = Math.signum(stepSize == 0 ? -1 : stepSize) * STEP_PERCENT * newMaximum;
        pendingAdjustment = 0;
        candidate = null;
        demoteFromProtected();
    }

    @Override
    public void onInsert(Node<K, V> node) {
        candidate = null;
        entries++;
        sizeSketch();
        sketch.increment(node.key);
        node.queue = WINDOW;
        window.addLast(node);
        windowWeight += node.weight;
        evictFromWindow();
        if (sampling()) {
            missesInSample++;
            climbIfSampled();
        }
    }

    @Override
    public void onAccess(Node<K, V> node) {
        candidate = null;
        sketch.increment(node.key);
        switch (node.queue) {
            case WINDOW -> window.moveToLast(node);
            case PROBATION -> promote(node);
            case PROTECTED -> protectedQ.moveToLast(node);
            default -> throw new IllegalStateException("node in no queue: " + node);
        }
        if (sampling()) {
            hitsInSample++;
            climbIfSampled();
        }
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
        long delta = node.weight - oldWeight;
        switch (node.queue) {
            case WINDOW -> windowWeight += delta;
            case PROBATION -> probationWeight += delta;
            case PROTECTED -> {
                protectedWeight += delta;
                demoteFromProtected();
            }
            default -> throw new IllegalStateException("node in no queue: " + node);
        }
        candidate = null;
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        if (node == candidate) {
            candidate = node.next; // candidates are contiguous at probation's tail
        }
        switch (node.queue) {
            case WINDOW -> {
                window.unlink(node);
                windowWeight -= node.weight;
            }
            case PROBATION -> {
                probation.unlink(node);
                probationWeight -= node.weight;
            }
            case PROTECTED -> {
                protectedQ.unlink(node);
                protectedWeight -= node.weight;
            }
            default -> throw new IllegalStateException("node in no queue: " + node);
        }
        node.queue = 0;
        entries--;
    }

    @Override
    public Node<K, V> selectVictim() {
        evictFromWindow(); // the window may have shrunk (resize, adaptation) since the last insert
        Node<K, V> victim = probation.first();
        if (victim == null) {
            victim = protectedQ.first();
        }
        if (victim == null) {
            victim = window.first();
        }
        if (victim == null || candidate == null || candidate == victim) {
            return victim; // nothing to compare: the oldest entry of the main space (or window) goes
        }
        if (candidate.weight > maximum || !admit(candidate, victim)) {
            return candidate;
        }
        candidate = candidate.next; // admitted: it stays in probation, the next candidate competes
        return victim;
    }

    /**
     * Moves the window's overflow to the tail of probation. The first node moved since the last
     * insert or access becomes the candidate that selectVictim weighs against probation's head.
     */
    private void evictFromWindow() {
        while (windowWeight > windowMax && !window.isEmpty()) {
            Node<K, V> n = window.pollFirst();
            windowWeight -= n.weight;
            n.queue = PROBATION;
            probation.addLast(n);
            probationWeight += n.weight;
            if (candidate == null) {
                candidate = n;
            }
        }
    }

    @Override
    public void clear() {
        window.clear();
        probation.clear();
        protectedQ.clear();
        windowWeight = probationWeight = protectedWeight = 0;
        entries = 0;
        candidate = null;
    }

    private boolean admit(Node<K, V> candidateNode, Node<K, V> victimNode) {
        int candidateFreq = sketch.frequency(candidateNode.key);
        int victimFreq = sketch.frequency(victimNode.key);
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

    private void promote(Node<K, V> node) {
        if (node.weight > protectedMax) {
            probation.moveToLast(node); // would not fit: keep it as the freshest probation entry
            return;
        }
        probation.unlink(node);
        probationWeight -= node.weight;
        node.queue = PROTECTED;
        protectedQ.addLast(node);
        protectedWeight += node.weight;
        demoteFromProtected();
    }

    private void demoteFromProtected() {
        while (protectedWeight > protectedMax && !protectedQ.isEmpty()) {
            Node<K, V> n = protectedQ.pollFirst();
            protectedWeight -= n.weight;
            n.queue = PROBATION;
            probation.addLast(n);
            probationWeight += n.weight;
        }
    }

    /**
     * Sizes the sketch for the number of entries the cache holds when full, estimated from the
     * average weight so far (exact when every entry weighs 1). As in Caffeine it is created only
     * once the cache is half full: a cache that never fills (or is unbounded) pays nothing for it,
     * and the estimate of the average weight has had time to settle. Regrows when the estimate
     * doubles (growing forgets the counts, which the next halving would have aged anyway).
     */
    private void sizeSketch() {
        long total = windowWeight + probationWeight + protectedWeight;
        if (sketch.capacity() == 0 && total < maximum / 2) {
            return;
        }
        if (entries <= 1 || total == 0) {
            // No weight seen yet to average (a cache the governor just emptied is here after every
            // restore step): assuming 1 byte per entry would size the sketch by the maximum's bytes,
            // which once gave a 16 MiB content cache a 32 MiB sketch. Wait for real entries.
            return;
        }
        double averageWeight = Math.max(1.0, (double) total / (entries - 1));
        long expected = (long) Math.min(FrequencySketch.MAX_CAPACITY, Math.max(entries, maximum / averageWeight));
        if (sketch.capacity() == 0 || expected > 2L * sketch.capacity()) {
            sketch.ensureCapacity(expected);
        }
    }

    /** Window resizing still to do (weight units; negative: shrink), for tests. */
    long pendingAdjustment() {
        return pendingAdjustment;
    }

    /** The sketch's capacity in entries (0 before it is created), for tests. */
    int sketchCapacity() {
        return sketch.capacity();
    }

    /**
     * Hit-rate samples start with the sketch, once the cache was half full: before that they would
     * only measure the cold start (and the sample size is not known yet).
     */
    private boolean sampling() {
        return sketch.capacity() > 0;
    }

    private void climbIfSampled() {
        int requests = hitsInSample + missesInSample;
        if (requests >= sketch.sampleSize()) {
            determineAdjustment(requests);
        }
        if (pendingAdjustment > 0) {
            growWindow();
        } else if (pendingAdjustment < 0) {
            shrinkWindow();
        } else {
            return;
        }
        if (maximum > 0) {
            windowShare = (double) windowMax / maximum;
            protectedShare = (double) protectedMax / maximum;
        }
    }

    private void determineAdjustment(int requests) {
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

    /** Takes quota from protected's share and moves main-space LRU entries into the window. */
    private void growWindow() {
        long quota = Math.min(pendingAdjustment, protectedMax);
        protectedMax -= quota;
        windowMax += quota;
        demoteFromProtected();
        boolean limited = true;
        for (int i = 0; i < TRANSFER_LIMIT; i++) {
            Node<K, V> n = probation.first();
            boolean fromProbation = true;
            if (n == null || quota < n.weight) {
                n = protectedQ.first();
                fromProbation = false;
            }
            if (n == null || quota < n.weight) {
                limited = false;
                break;
            }
            quota -= n.weight;
            if (fromProbation) {
                probation.unlink(n);
                probationWeight -= n.weight;
            } else {
                protectedQ.unlink(n);
                protectedWeight -= n.weight;
            }
            n.queue = WINDOW;
            window.addLast(n);
            windowWeight += n.weight;
        }
        protectedMax += quota; // what could not be moved stays with the main space
        windowMax -= quota;
        // Carry the rest to the next call only if the transfer limit stopped us: a rest smaller than
        // the next entry would otherwise be retried, in vain, on every access until the next sample
        // (with byte weights that was a quarter of a W-TinyLFU cache's CPU time in CacheBench).
        pendingAdjustment = limited ? quota : 0;
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
        boolean limited = true;
        for (int i = 0; i < TRANSFER_LIMIT; i++) {
            Node<K, V> n = window.first();
            if (n == null || quota < n.weight) {
                limited = false;
                break;
            }
            quota -= n.weight;
            window.unlink(n);
            windowWeight -= n.weight;
            n.queue = PROBATION;
            probation.addLast(n);
            probationWeight += n.weight;
        }
        protectedMax -= quota;
        windowMax += quota;
        pendingAdjustment = limited ? -quota : 0; // as in growWindow
    }

    @Override
    public void checkInvariants(long entryCount, long weight) {
        long w = window.checkWeights("wtinylfu window", WINDOW);
        long pb = probation.checkWeights("wtinylfu probation", PROBATION);
        long pt = protectedQ.checkWeights("wtinylfu protected", PROTECTED);
        Invariants.require(w == windowWeight && pb == probationWeight && pt == protectedWeight,
                "wtinylfu: queues weigh %d/%d/%d, counted %d/%d/%d", w, pb, pt, windowWeight, probationWeight,
                protectedWeight);
        long n = window.size() + probation.size() + protectedQ.size();
        Invariants.require(n == entryCount && entries == entryCount, "wtinylfu: %d queued, %d counted, cache holds %d",
                n, entries, entryCount);
        Invariants.require(w + pb + pt == weight, "wtinylfu: queues weigh %d, cache weight %d", w + pb + pt, weight);
        Invariants.require(windowMax >= 0 && protectedMax >= 0 && windowMax + protectedMax <= Math.max(maximum, 0),
                "wtinylfu: window %d + protected %d exceed maximum %d", windowMax, protectedMax, maximum);
        Invariants.require(candidate == null || candidate.queue == PROBATION, "wtinylfu: candidate %s not in probation",
                candidate);
        sketch.checkInvariants();
    }

    long windowMaximum() {
        return windowMax;
    }

    long protectedMaximum() {
        return protectedMax;
    }
}
