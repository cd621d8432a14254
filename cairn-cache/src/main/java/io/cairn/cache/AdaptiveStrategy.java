package io.cairn.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * The default policy: whichever of W-TinyLFU, LRU, LFU-DA and S3-FIFO is doing best on the workload
 * now, chosen by miniature simulations.
 *
 * <p>Every request the cache's policy sees (an insert after a miss, an access on a hit) is also
 * replayed, for a sampled share of the keys, against one {@link ShadowCache} per candidate, each
 * scaled down by the sampling rate. Shadows know a key only by its mixed 32-bit hash, and sampled
 * requests are buffered and replayed in batches of {@link #BATCH}, one shadow after the other. All
 * shadows see the same requests, so they are compared
 * pairwise: {@code beats[i][j]} counts the requests candidate i hit and candidate j missed. Every
 * {@link #CHECK_EVERY} sampled requests, the candidate with the largest advantage over the active
 * policy ({@code beats[c][a] - beats[a][c]}) takes over only if that advantage is significant (a
 * sign test: more than {@link #Z} standard deviations of the discordant requests), large (at least
 * {@link #MIN_GAIN} of the decayed request count) and no switch happened in the last
 * {@link #COOLDOWN_EPOCHS} epochs. Flat workloads, where the policies hit the same requests,
 * therefore do not switch. The counts decay by {@link #DECAY} every epoch so an old phase fades.
 *
 * <p>Taking over: the active strategy gives up its nodes coldest first (its own victim order), and
 * the new one receives them in that order, so the hottest entries arrive last, as the most recent.
 * Nothing is evicted by a switch; it costs one pass over the entries under the lock, and happens
 * rarely by construction.
 *
 * <p>Costs: each shadow holds at most about {@link #SHADOW_ENTRIES} entries (rate 1, an exact
 * replay, for caches up to that size). See docs/CACHE.md for the measured CPU and memory.
 */
final class AdaptiveStrategy<K, V> implements EvictionStrategy<K, V> {
    static final EvictionPolicy[] CANDIDATES = {
        EvictionPolicy.W_TINY_LFU, EvictionPolicy.LRU, EvictionPolicy.LFU, EvictionPolicy.S3_FIFO};
    static final int SHADOW_ENTRIES = 256;
    static final double Z = 3.0;
    static final double MIN_GAIN = 0.01;
    static final int EPOCH_MIN = 2000;
    static final int EPOCH_MULT = 4;
    private static final int HASH_BITS = 16;

    @SuppressWarnings("unchecked")
    private final EvictionStrategy<K, V>[] strategies = new EvictionStrategy[CANDIDATES.length];
    private EvictionStrategy<K, V> active;
    private int activeIndex;
    private long maximum;

    private ShadowCache[] shadows; // created at the first insert (needs an average weight)
    private int threshold;            // sampled if (mixed hash & 0xFFFF) < threshold
    private double rate;
    private double estimatedWeight;
    private long inserts;
    private long insertedWeight;
    /** Sampled requests not yet replayed against the shadows: mixed key hash and weight. */
    static final int BATCH = 64;
    private final int[] pendingKeys = new int[BATCH];
    private final int[] pendingWeights = new int[BATCH];
    private final int[] hitBits = new int[BATCH];
    private int pending;
    /** beats[i][j]: decayed count of sampled requests candidate i hit and candidate j missed. */
    private final double[][] beats = new double[CANDIDATES.length][CANDIDATES.length];
    private double decayedRequests;
    static final double DECAY = 0.9;
    private int epochRequests;
    private int sinceCheck;
    /** Sampled requests to wait after a switch before the next may happen: damps phase-chasing. */
    private long cooldown;
    static final int CHECK_EVERY = 128;
    static final int COOLDOWN_EPOCHS = 2;
    private int epochLength;
    private int switches;

    AdaptiveStrategy(long maximum) {
        this.maximum = maximum;
        this.active = strategy(0);
    }

    private EvictionStrategy<K, V> strategy(int i) {
        if (strategies[i] == null) {
            strategies[i] = EvictionStrategy.create(CANDIDATES[i], maximum);
            strategies[i].setMaximum(maximum);
        }
        return strategies[i];
    }

    @Override
    public void setMaximum(long m) {
        if (m == maximum) {
            return;
        }
        maximum = m;
        active.setMaximum(m);
        if (shadows != null) {
            for (ShadowCache s : shadows) {
                s.setMaximum(shadowMaximum());
            }
        }
    }

    @Override
    public void onInsert(Node<K, V> node) {
        active.onInsert(node);
        inserts++;
        insertedWeight += node.weight;
        if (shadows == null || needsResampling()) {
            createShadows();
        }
        record(node);
    }

    @Override
    public void onAccess(Node<K, V> node) {
        active.onAccess(node);
        record(node);
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
        active.onWeightChange(node, oldWeight);
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        active.onRemove(node, evicted);
    }

    @Override
    public Node<K, V> selectVictim() {
        return active.selectVictim();
    }

    @Override
    public void clear() {
        active.clear();
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        Invariants.require(active == strategies[activeIndex], "adaptive: active strategy is not candidate %d",
                activeIndex);
        active.checkInvariants(entries, weight);
        if (shadows != null) {
            for (ShadowCache s : shadows) {
                s.checkInvariants();
            }
        }
    }

    /** The policy in charge now. */
    EvictionPolicy activePolicy() {
        return CANDIDATES[activeIndex];
    }

    int switches() {
        return switches;
    }

    /** Entries held by all shadows together, for the cost report. */
    int shadowEntries() {
        int n = 0;
        if (shadows != null) {
            for (ShadowCache s : shadows) {
                n += s.size();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ sampling

    private long shadowMaximum() {
        return Math.max(1, (long) Math.ceil(maximum * rate));
    }

    /** The first weights guessed the average; re-sample once if the real average is 2x off. */
    private boolean needsResampling() {
        if (inserts < 64 || (inserts & (inserts - 1)) != 0) {
            return false; // look at powers of two only: cheap and enough
        }
        double avg = (double) insertedWeight / inserts;
        return avg > 2 * estimatedWeight || avg < estimatedWeight / 2;
    }

    @SuppressWarnings("unchecked")
    private void createShadows() {
        if (maximum == Long.MAX_VALUE || maximum <= 0) {
            return; // unbounded or empty: nothing is evicted, nothing to choose
        }
        estimatedWeight = Math.max(1.0, (double) insertedWeight / Math.max(1, inserts));
        double expectedEntries = maximum / estimatedWeight;
        rate = Math.min(1.0, SHADOW_ENTRIES / expectedEntries);
        threshold = (int) Math.max(1, Math.round(rate * (1 << HASH_BITS)));
        rate = (double) threshold / (1 << HASH_BITS);
        shadows = new ShadowCache[CANDIDATES.length];
        for (int i = 0; i < CANDIDATES.length; i++) {
            shadows[i] = new ShadowCache(CANDIDATES[i], shadowMaximum());
        }
        long sampledEntries = Math.max(1, Math.round(expectedEntries * rate));
        epochLength = (int) Math.clamp(EPOCH_MULT * sampledEntries, EPOCH_MIN, 50_000);
        for (double[] row : beats) {
            java.util.Arrays.fill(row, 0);
        }
        decayedRequests = 0;
        epochRequests = 0;
        pending = 0;
    }

    private void record(Node<K, V> node) {
        if (shadows == null) {
            return;
        }
        int h = node.key.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        if ((h & ((1 << HASH_BITS) - 1)) >= threshold) {
            return;
        }
        // the mixed hash stands for the key: no user key is retained, and equality is cheap
        pendingKeys[pending] = h;
        pendingWeights[pending] = node.weight;
        if (++pending == BATCH) {
            replayPending();
        }
    }

    /**
     * Replays the buffered sampled requests against the shadows, one shadow at a time so that each
     * one's structures stay in the processor's cache for the whole batch, then scores them request
     * by request, in order. Shadows do not depend on each other, so the result is the same as
     * replaying each request against all shadows at once; only the decisions come up to
     * {@link #BATCH} sampled requests later.
     */
    private void replayPending() {
        int n = pending;
        pending = 0;
        for (int j = 0; j < n; j++) {
            hitBits[j] = 0;
        }
        for (int i = 0; i < shadows.length; i++) {
            ShadowCache shadow = shadows[i];
            for (int j = 0; j < n; j++) {
                if (shadow.access(pendingKeys[j], pendingWeights[j])) {
                    hitBits[j] |= 1 << i;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            score(hitBits[j]);
        }
    }

    private void score(int hits) {
        for (int i = 0; i < CANDIDATES.length; i++) {
            if ((hits & (1 << i)) != 0) {
                double[] row = beats[i];
                for (int j = 0; j < CANDIDATES.length; j++) {
                    if ((hits & (1 << j)) == 0) {
                        row[j]++;
                    }
                }
            }
        }
        decayedRequests++;
        cooldown--;
        if (++sinceCheck >= CHECK_EVERY) {
            sinceCheck = 0;
            if (cooldown <= 0) {
                decide();
            }
        }
        if (++epochRequests >= epochLength) {
            age();
        }
    }

    private void decide() {
        int best = -1;
        double bestGain = 0;
        for (int i = 0; i < CANDIDATES.length; i++) {
            if (i == activeIndex) {
                continue;
            }
            double w = beats[i][activeIndex];
            double l = beats[activeIndex][i];
            double gain = w - l;
            if (gain > bestGain && gain > Z * Math.sqrt(w + l) && gain > MIN_GAIN * decayedRequests) {
                best = i;
                bestGain = gain;
            }
        }
        if (best >= 0) {
            switchTo(best);
            cooldown = (long) COOLDOWN_EPOCHS * epochLength;
        }
    }

    private void age() {
        for (double[] row : beats) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= DECAY;
            }
        }
        decayedRequests *= DECAY;
        epochRequests = 0;
    }

    private void switchTo(int next) {
        EvictionStrategy<K, V> from = active;
        List<Node<K, V>> coldestFirst = new ArrayList<>();
        Node<K, V> n;
        while ((n = from.selectVictim()) != null) {
            from.onRemove(n, false);
            coldestFirst.add(n);
        }
        from.clear();
        EvictionStrategy<K, V> to = strategy(next);
        to.clear();
        to.setMaximum(maximum);
        for (Node<K, V> node : coldestFirst) {
            to.onInsert(node);
        }
        active = to;
        activeIndex = next;
        switches++;
    }
}
