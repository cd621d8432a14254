package io.cairn.cache;

/**
 * A count-min sketch of recent access frequencies with 4-bit counters and periodic halving: the
 * TinyLFU "approximate frequency histogram".
 *
 * <p>Source: G. Einziger, R. Friedman, B. Manes, "TinyLFU: A Highly Efficient Cache Admission
 * Policy", ACM Transactions on Storage 13(4), 2017, sections 3.2-3.4; count-min sketch from
 * G. Cormode and S. Muthukrishnan, "An Improved Data Stream Summary: The Count-Min Sketch and its
 * Applications", J. Algorithms 55(1), 2005.
 *
 * <p>Why this shape: admission only has to compare two keys' popularity, so small saturating
 * counters suffice (TinyLFU caps them at 15: anything seen 15 times in a sample is "hot"). Each
 * {@code long} packs sixteen 4-bit counters; a key owns one counter in each of four longs chosen by
 * four independent hashes, and its estimate is the minimum of the four (count-min: it never
 * undercounts, and overcounts only through collisions in all four rows at once). Sizing the table
 * at one long per expected entry keeps the error small at 8 bytes per entry. After
 * {@code 10 x capacity} increments every counter is halved (the "reset" of the paper), which ages
 * the history so that the sketch follows a changing workload; the odd bits lost to the shift are
 * subtracted from the sample count, as the paper's analysis of the truncation error asks.
 */
final class FrequencySketch {
    private static final long[] SEEDS = {
        0x9E3779B97F4A7C15L, 0xBF58476D1CE4E5B9L, 0x94D049BB133111EBL, 0xD6E8FEB86659FD93L};
    private static final long HALF_MASK = 0x7777_7777_7777_7777L;
    private static final long LOW_BITS = 0x1111_1111_1111_1111L;
    static final int MAX_CAPACITY = 1 << 22;

    private long[] table;
    private int tableMask;
    private int sampleSize;
    private int additions;

    /** Capacity in expected entries; 0 until {@link #ensureCapacity} is first called. */
    /** The table is empty or a power of two long; throws IllegalStateException otherwise. */
    void checkInvariants() {
        int c = capacity();
        Invariants.require(c == 0 || Integer.bitCount(c) == 1 || c == MAX_CAPACITY,
                "sketch: capacity %d is not a power of two", c);
    }

    int capacity() {
        return table == null ? 0 : table.length;
    }

    int sampleSize() {
        return sampleSize;
    }

    /**
     * Sizes the table for {@code expectedEntries} (rounded up to a power of two, capped at
     * {@link #MAX_CAPACITY}). Growing forgets the counts, like a reset.
     */
    void ensureCapacity(long expectedEntries) {
        int wanted = Math.clamp(expectedEntries, 8, MAX_CAPACITY);
        wanted = Integer.highestOneBit(wanted - 1) << 1;
        if (table != null && table.length >= wanted) {
            return;
        }
        table = new long[wanted];
        tableMask = wanted - 1;
        sampleSize = 10 * Math.clamp(expectedEntries, 1, MAX_CAPACITY);
        additions = 0;
    }

    /** The estimated number of recent occurrences, 0..15. */
    int frequency(Object key) {
        if (table == null) {
            return 0;
        }
        int hash = spread(key.hashCode());
        int group = (hash & 3) << 2;
        int min = 15;
        for (int i = 0; i < 4; i++) {
            int shift = (group + i) << 2;
            int count = (int) ((table[indexOf(hash, i)] >>> shift) & 0xF);
            min = Math.min(min, count);
        }
        return min;
    }

    /** Records one occurrence; halves everything when the sample is complete. */
    void increment(Object key) {
        if (table == null) {
            return;
        }
        int hash = spread(key.hashCode());
        int group = (hash & 3) << 2;
        boolean added = false;
        for (int i = 0; i < 4; i++) {
            added |= incrementAt(indexOf(hash, i), group + i);
        }
        if (added && ++additions >= sampleSize) {
            halve();
        }
    }

    private boolean incrementAt(int index, int counter) {
        int shift = counter << 2;
        long mask = 0xFL << shift;
        if ((table[index] & mask) != mask) {
            table[index] += 1L << shift;
            return true;
        }
        return false;
    }

    private void halve() {
        int odd = 0;
        for (int i = 0; i < table.length; i++) {
            odd += Long.bitCount(table[i] & LOW_BITS);
            table[i] = (table[i] >>> 1) & HALF_MASK;
        }
        additions = (additions - (odd >>> 2)) >>> 1;
    }

    private int indexOf(int hash, int row) {
        long h = (hash + SEEDS[row]) * SEEDS[row];
        h += h >>> 32;
        return (int) h & tableMask;
    }

    /** Hashcodes are often poor (small ints, sequential ids); mix them before indexing. */
    private static int spread(int x) {
        x = ((x >>> 16) ^ x) * 0x45D9F3B;
        x = ((x >>> 16) ^ x) * 0x45D9F3B;
        return (x >>> 16) ^ x;
    }
}
