package io.cairn.s3;

import io.cairn.cid.Multihash;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What this node has learnt about keys in the bucket, so that {@code has}/{@code getSize} do not send
 * a {@code HEAD} each time: sizes of blocks known present (kept until a local delete, or until the
 * bounded table is full and cleared), and absences, kept only for a short time because another node
 * may write the block at any moment.
 *
 * <p>Races with local writes are resolved as in {@code CachingBlockstore}: each key belongs to a
 * stripe whose epoch every put/delete bumps after changing the bucket; a lookup reads the epoch before
 * asking S3 and drops what it learnt if the epoch moved meanwhile.
 */
final class KnownKeys {
    private static final int STRIPES = 256;
    private static final int ABSENT = -1;

    private record Entry(int size, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<Multihash, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);
    private final long negativeTtlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;

    KnownKeys(Duration negativeTtl, int maxEntries, LongSupplier nanoClock) {
        this.negativeTtlNanos = negativeTtl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The answer cached for {@code mh}: a size (present), {@link #absent()} (recently absent) or {@code null} (unknown). */
    Integer lookup(Multihash mh) {
        Entry e = entries.get(mh);
        if (e == null) {
            return null;
        }
        if (e.size >= 0) {
            return e.size;
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos < 0) {
            return ABSENT;
        }
        entries.remove(mh, e);
        return null;
    }

    static int absent() {
        return ABSENT;
    }

    long epoch(Multihash mh) {
        return epochs.get(stripe(mh));
    }

    /** Records what a lookup that started at {@code epoch} learnt, unless a local write raced it. */
    void learnt(Multihash mh, Integer size, long epoch) {
        if (maxEntries == 0 || (size == null && negativeTtlNanos == 0)) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear(); // crude but bounded; lookups refill what is hot
        }
        Entry e = size == null ? new Entry(ABSENT, nanoClock.getAsLong() + negativeTtlNanos) : new Entry(size, 0);
        entries.put(mh, e);
        if (epochs.get(stripe(mh)) != epoch) {
            entries.remove(mh, e);
        }
    }

    /**
     * After a local put reached S3. Bumps the stripe's epoch and remembers the size, unless another
     * local write of the same stripe ran since {@code epochBefore} (then a delete may have followed the
     * upload, and nothing is remembered).
     *
     * @return the epoch after this write, or -1 if it raced another write
     */
    long stored(Multihash mh, int size, long epochBefore) {
        int stripe = stripe(mh);
        long now = epochs.incrementAndGet(stripe);
        if (now != epochBefore + 1) {
            entries.remove(mh);
            return -1;
        }
        if (maxEntries > 0) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            Entry e = new Entry(size, 0);
            entries.put(mh, e);
            if (epochs.get(stripe) != now) {
                entries.remove(mh, e);
                return -1;
            }
        }
        return now;
    }

    /** After a local delete reached S3. */
    void deleted(Multihash mh) {
        epochs.incrementAndGet(stripe(mh));
        entries.remove(mh);
    }

    /** Forgets every answer (deletes by other nodes may have gone unannounced); returns how many. */
    int clear() {
        for (int i = 0; i < STRIPES; i++) {
            epochs.incrementAndGet(i);
        }
        int n = entries.size();
        entries.clear();
        return n;
    }

    int size() {
        return entries.size();
    }

    private static int stripe(Multihash mh) {
        return (mh.hashCode() & 0x7fffffff) % STRIPES;
    }
}
