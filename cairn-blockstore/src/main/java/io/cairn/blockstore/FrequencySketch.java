package io.cairn.blockstore;

/**
 * How often keys were asked for, approximately and recently: a count-min sketch of 4-bit counters
 * (TinyLFU, Einziger, Friedman &amp; Manes), four counters a key, each in a long of its own chosen by
 * its own hash (the rows of a count-min sketch spread over the whole table). When the increments
 * reach ten times the keys it is sized for, every counter is halved, so old popularity fades.
 *
 * <p>Size: a long per three keys (2.7 bytes a key), not rounded to a power of two (a row's index is
 * its hash scaled to the table's length), so that the 48-byte budget of an entry holds: a long per
 * two keys rounded up counted 48.6 B an entry for a 1 GiB cache of 256 KiB leaves. Layout: with a
 * key's four counters packed into one 64-byte block, as before, the off-heap W-TinyLFU lost up to 3
 * points more to the heap engine (whose sketch has a long per key) on frequency-driven rows such as
 * lirs_loop than with the rows spread (docs/BENCHMARKS.md, "Off-heap W-TinyLFU and the remaining
 * copies").
 *
 * <p>Not thread-safe: the off-heap cache calls it under its lock (hits are counted as they are
 * drained from the hit buffer, misses as the block is inserted). The table grows (and starts over)
 * when the cache's expected entry count passes what it was sized for.
 */
final class FrequencySketch {
    private static final long RESET_MASK = 0x7777_7777_7777_7777L;
    private static final long[] SEEDS = {
        0x9E3779B97F4A7C15L, 0xBF58476D1CE4E5B9L, 0x94D049BB133111EBL, 0xD6E8FEB86659FD93L};
    private static final int MIN_LONGS = 8;

    private long[] table;
    private int keys;
    private int sampleSize;
    private int additions;

    FrequencySketch(int expectedKeys) {
        resize(expectedKeys);
    }

    /** Keys the table is sized for. */
    int capacity() {
        return keys;
    }

    /** Sizes the table for {@code keys} (a long per three keys), clearing it. */
    void resize(int keys) {
        int longs = Math.max(MIN_LONGS, (Math.max(1, keys) + 2) / 3);
        this.table = new long[longs];
        this.keys = Math.max(1, keys);
        this.sampleSize = (int) Math.min(Integer.MAX_VALUE, 10L * this.keys);
        this.additions = 0;
    }

    /** Counts one request for the key with this hash. */
    void increment(int hash) {
        long[] t = table;
        int group = (hash & 3) << 2;
        boolean added = false;
        for (int i = 0; i < 4; i++) {
            int index = indexOf(hash, i, t.length);
            int shift = (group + i) << 2;
            long v = t[index];
            if (((v >>> shift) & 0xF) != 0xF) {
                t[index] = v + (1L << shift);
                added = true;
            }
        }
        if (added && ++additions >= sampleSize) {
            halve(t);
        }
    }

    /** The estimated count (0..15) of the key with this hash. */
    int frequency(int hash) {
        long[] t = table;
        int group = (hash & 3) << 2;
        int min = 15;
        for (int i = 0; i < 4; i++) {
            int shift = (group + i) << 2;
            min = Math.min(min, (int) ((t[indexOf(hash, i, t.length)] >>> shift) & 0xF));
        }
        return min;
    }

    /** Heap held: the table and the object. */
    long bytes() {
        return 16 + 8L * table.length + 32;
    }

    private void halve(long[] t) {
        for (int i = 0; i < t.length; i++) {
            t[i] = (t[i] >>> 1) & RESET_MASK;
        }
        additions /= 2;
    }

    /** Row {@code row}'s long for the hash: the row's mixed hash scaled onto {@code length}. */
    private static int indexOf(int hash, int row, int length) {
        long h = (hash + SEEDS[row]) * SEEDS[row];
        h += h >>> 32;
        return (int) (((h & 0xFFFF_FFFFL) * length) >>> 32);
    }
}
