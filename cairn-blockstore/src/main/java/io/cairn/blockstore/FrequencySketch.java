package io.cairn.blockstore;

/**
 * How often keys were asked for, approximately and recently: a count-min sketch of 4-bit counters
 * (TinyLFU, Einziger, Friedman &amp; Manes), four counters a key, each in a long of its own chosen by
 * its own hash (the rows of a count-min sketch spread over the whole table). When the increments
 * reach ten times the keys it is sized for, every counter is halved, so old popularity fades.
 *
 * <p>Size: a long per two keys, rounded up to a power of two, so 4-8 bytes a key. Measured on the
 * 71 hit-ratio rows (docs/BENCHMARKS.md, "Off-heap W-TinyLFU"): with a long per four keys, or with
 * a key's four counters packed into one 64-byte block, the off-heap W-TinyLFU lost up to 4 points
 * to the heap engine (whose sketch has a long per key, more than the 48-byte budget allows) on
 * frequency-driven rows such as lirs_loop; this size and layout halved those gaps.
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

    /** Sizes the table for {@code keys} (a power of two of longs, a long per two keys), clearing it. */
    void resize(int keys) {
        int half = (Math.max(1, keys) + 1) / 2;
        int longs = Math.max(MIN_LONGS, half <= 1 ? 1 : Integer.highestOneBit(half - 1) << 1);
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
            int index = indexOf(hash, i, t.length - 1);
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
            min = Math.min(min, (int) ((t[indexOf(hash, i, t.length - 1)] >>> shift) & 0xF));
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

    private static int indexOf(int hash, int row, int mask) {
        long h = (hash + SEEDS[row]) * SEEDS[row];
        h += h >>> 32;
        return (int) h & mask;
    }
}
