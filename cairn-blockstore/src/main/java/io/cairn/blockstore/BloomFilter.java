package io.cairn.blockstore;

import io.cairn.cid.Multihash;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrent Bloom filter over multihashes, answering "definitely absent" without touching the
 * store. Used by {@link CachingBlockstore} to turn lookups of blocks that were never stored into a
 * few memory reads.
 *
 * <p>Sizing follows the textbook bound (Bloom 1970; Broder &amp; Mitzenmacher, "Network Applications
 * of Bloom Filters", 2004): for {@code n} expected keys and a target false-positive rate {@code p},
 * {@code m = -n ln p / (ln 2)^2} bits and {@code k = (m / n) ln 2} probes. At the default 1 %
 * that is about 9.6 bits (1.2 bytes) per key and 7 probes, whatever the block size.
 *
 * <p>The probe positions come from double hashing (Kirsch &amp; Mitzenmacher, "Less Hashing, Same
 * Performance", 2006): two 64-bit values {@code h1, h2} give probe {@code i} at {@code h1 + i·h2}.
 * Cryptographic digests are already uniform, so their first 16 bytes are used as is after a
 * finalising mix; short or identity digests are hashed over all their bytes first.
 *
 * <p>Adding and probing are lock-free (one atomic OR per probe). Keys cannot be removed: a deleted
 * block stays "maybe present", which only costs a fall-through to the store, never a wrong answer.
 */
public final class BloomFilter {
    private static final double LN2 = Math.log(2);
    private static final int MAX_PROBES = 16;

    private final AtomicLongArray words;
    private final long bitCount;
    private final int probes;

    /**
     * @param expectedKeys      keys the filter is sized for; more still work, with a rising false-positive rate
     * @param falsePositiveRate target rate in (0, 1) at {@code expectedKeys}
     */
    public BloomFilter(long expectedKeys, double falsePositiveRate) {
        if (expectedKeys < 1) {
            throw new IllegalArgumentException("bloom filter expectedKeys must be at least 1, got " + expectedKeys);
        }
        if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
            throw new IllegalArgumentException("bloom filter falsePositiveRate must be in (0, 1), got " + falsePositiveRate);
        }
        long bits = (long) Math.ceil(-expectedKeys * Math.log(falsePositiveRate) / (LN2 * LN2));
        long wordCount = Math.max(1, (bits + 63) / 64);
        if (wordCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bloom filter for " + expectedKeys + " keys at rate "
                    + falsePositiveRate + " would need " + bits + " bits, more than one array can hold");
        }
        this.words = new AtomicLongArray((int) wordCount);
        this.bitCount = wordCount * 64;
        this.probes = (int) Math.max(1, Math.min(MAX_PROBES, Math.round((double) bitCount / expectedKeys * LN2)));
    }

    public void add(Multihash key) {
        probe(key, true);
    }

    /** False means the key was never added; true means it may have been. */
    public boolean mightContain(Multihash key) {
        return probe(key, false);
    }

    private boolean probe(Multihash key, boolean set) {
        byte[] d = key.digest();
        long h1;
        long h2;
        if (d.length >= 16) {
            h1 = mix(readLong(d, 0));
            h2 = mix(readLong(d, 8));
        } else {
            long h = 0x9E3779B97F4A7C15L ^ key.code();
            for (byte b : d) {
                h = (h ^ (b & 0xff)) * 0x100000001B3L;
            }
            h1 = mix(h ^ d.length);
            h2 = mix(h1 + 0x632BE59BD9B4E019L);
        }
        h2 |= 1; // odd, so successive probes do not cycle early
        boolean present = true;
        for (int i = 0; i < probes; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bitCount);
            long mask = 1L << bit;
            int word = (int) (bit >>> 6);
            if ((words.get(word) & mask) == 0) {
                if (!set) {
                    return false;
                }
                present = false;
                words.getAndAccumulate(word, mask, (a, b) -> a | b);
            }
        }
        return present;
    }

    /** Bits in the filter; its memory cost is {@code bitCount() / 8} bytes plus a small header. */
    public long bitCount() {
        return bitCount;
    }

    public int probes() {
        return probes;
    }

    /** Heap bytes held by the bit array. */
    public long sizeInBytes() {
        return bitCount / 8;
    }

    /** The fraction of bits set; the false-positive rate is about this to the power {@link #probes()}. */
    public double fillRatio() {
        long set = 0;
        for (int i = 0; i < words.length(); i++) {
            set += Long.bitCount(words.get(i));
        }
        return (double) set / bitCount;
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** The finaliser of MurmurHash3's 64-bit variant: spreads every input bit over the output. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93e53fe1a85L;
        h ^= h >>> 33;
        return h;
    }
}
