package io.cairn.blockstore;

/**
 * How often keys were asked for, approximately and recently: a count-min sketch of 4-bit counters
 * (TinyLFU, Einziger, Friedman &amp; Manes), four counters a key, all in one 64-byte block of the
 * table so an increment touches one cache line. When the increments reach ten times the keys it
 * is sized for, every counter is halved, so old popularity fades. (Halving four times as often, so
 * that counters average 2.5 as in Caffeine's sketch with its four times more counters a key, forgot
 * hot blocks during a scan: {@code OffHeapPolicyTest} failed.)
 *
 * <p>Updates are plain reads and writes without locks: concurrent increments may lose one another,
 * which only makes an estimate a little low. The table grows (and starts over) as the cache's entry
 * count passes what it was sized for; it holds 2–4 bytes per entry.
 */
final class FrequencySketch {
    private static final long RESET_MASK = 0x7777_7777_7777_7777L;
    private static final int BLOCK_LONGS = 8;

    private volatile long[] table;
    private int sampleSize;
    private int additions;

    FrequencySketch(int expectedKeys) {
        resize(expectedKeys);
    }

    /** Keys the table is sized for. */
    int capacity() {
        return table.length * 4;
    }

    /** Sizes the table for {@code keys} (a power of two of longs, a long per four keys), clearing it. */
    void resize(int keys) {
        int quarter = (Math.max(1, keys) + 3) / 4; // a long per four keys, rounded up to a power of two
        int longs = Math.max(BLOCK_LONGS, quarter <= 1 ? 1 : Integer.highestOneBit(quarter - 1) << 1);
        table = new long[longs];
        sampleSize = 10 * longs * 4;
        additions = 0;
    }

    /** Counts one lookup of the key with this hash. */
    void increment(int hash) {
        long[] t = table;
        int block = blockStart(hash, t.length);
        int h = rehash(hash);
        boolean added = false;
        for (int i = 0; i < 4; i++, h >>>= 8) {
            int index = block + ((h >>> 1) & (BLOCK_LONGS - 1));
            int shift = ((h & 0xF) ^ (i << 2)) & 0xF; // one of the long's 16 nibbles
            shift <<= 2;
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
        int block = blockStart(hash, t.length);
        int h = rehash(hash);
        int min = 15;
        for (int i = 0; i < 4; i++, h >>>= 8) {
            int index = block + ((h >>> 1) & (BLOCK_LONGS - 1));
            int shift = (((h & 0xF) ^ (i << 2)) & 0xF) << 2;
            min = Math.min(min, (int) ((t[index] >>> shift) & 0xF));
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

    private static int blockStart(int hash, int length) {
        return (hash * 0x9E3779B9 >>> 8) & (length - 1) & ~(BLOCK_LONGS - 1);
    }

    private static int rehash(int hash) {
        int h = hash * 0x31848BAB;
        return h ^ (h >>> 14);
    }
}
