package io.cairn.blockstore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hits on the off-heap cache waiting to be applied to its recency lists and frequency sketch: a
 * lossy, striped ring of (slot, key hash) pairs. A reader adds its hit without a lock (one compare-and-set on its stripe's counter);
 * whoever holds the cache's lock next replays the hits in the order each stripe received them.
 * A stripe that is full tells its reader so, who then tries the lock and drains; a reader that loses
 * the compare-and-set drops its hit (recency blurs a little under contention, as in Caffeine). With
 * one thread every hit reaches the lists, in order, before the next eviction decision.
 *
 * <p>Memory: {@value #PER_STRIPE} longs a stripe plus two padded counters, independent of the entry
 * count. A slot named here may have been evicted and reused before the drain; the drain hands it
 * on regardless and the policy skips slots it does not hold.
 */
final class HitBuffer {
    static final int PER_STRIPE = 16;
    private static final int PAD = 8; // longs: one 64-byte line per counter
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int mask;
    private final long[] writes;
    private final long[] reads;
    private final long[] ring;

    HitBuffer() {
        int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1);
        this.mask = stripes - 1;
        this.writes = new long[stripes * PAD];
        this.reads = new long[stripes * PAD];
        this.ring = new long[stripes * PER_STRIPE];
    }

    /** Hands on a hit: what the drain receives for it, a slot and its key's hash. */
    interface Sink {
        void hit(int slot, int hash);
    }

    /** Records a hit on {@code slot}, whose key has {@code hash}; false if the stripe is full (drain, then record again). */
    boolean offer(int slot, int hash) {
        int s = (int) mix(Thread.currentThread().threadId()) & mask;
        long w = (long) LONGS.getAcquire(writes, s * PAD);
        long r = (long) LONGS.getAcquire(reads, s * PAD);
        if (w - r >= PER_STRIPE) {
            return false;
        }
        if (LONGS.compareAndSet(writes, s * PAD, w, w + 1)) {
            LONGS.setRelease(ring, s * PER_STRIPE + (int) (w & (PER_STRIPE - 1)), ((long) (slot + 1) << 32) | (hash & 0xFFFF_FFFFL));
        }
        return true; // recorded, or dropped after losing a race
    }

    /** Hands every recorded hit to {@code apply}, stripe by stripe, in order. Caller holds the cache's lock. */
    void drain(Sink apply) {
        for (int s = 0; s <= mask; s++) {
            long r = (long) LONGS.getAcquire(reads, s * PAD);
            long w = (long) LONGS.getAcquire(writes, s * PAD);
            for (; r < w; r++) {
                int i = s * PER_STRIPE + (int) (r & (PER_STRIPE - 1));
                long v = (long) LONGS.getAcquire(ring, i);
                if (v == 0) {
                    break; // its writer has the index but has not stored yet: next drain
                }
                LONGS.setRelease(ring, i, 0L);
                apply.hit((int) (v >>> 32) - 1, (int) v);
            }
            LONGS.setRelease(reads, s * PAD, r);
        }
    }

    /** Heap held, bytes. */
    long bytes() {
        return 3 * 16 + 8L * (writes.length + reads.length + ring.length) + 32;
    }

    private static long mix(long x) {
        x *= 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }
}
