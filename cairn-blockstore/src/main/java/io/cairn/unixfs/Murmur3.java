package io.cairn.unixfs;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x64 128 with seed 0, of which UnixFS HAMT directories use the first 64 bits
 * (multicodec {@code murmur3-x64-64}) as big-endian bytes to place entry names.
 */
final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Murmur3() {
    }

    /** The 8 bytes of {@code h1}, big-endian, for {@code name}'s UTF-8 bytes. */
    static byte[] hamtHash(String name) {
        long h1 = x64h1(name.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (h1 >>> (56 - 8 * i));
        }
        return out;
    }

    static long x64h1(byte[] data) {
        long h1 = 0;
        long h2 = 0;
        int len = data.length;
        int blocks = len / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = le64(data, i * 16);
            long k2 = le64(data, i * 16 + 8);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = blocks * 16;
        long k1 = 0;
        long k2 = 0;
        int rem = len & 15;
        for (int i = rem - 1; i >= 8; i--) {
            k2 ^= (long) (data[tail + i] & 0xFF) << ((i - 8) * 8);
        }
        if (rem > 8) {
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        for (int i = Math.min(rem, 8) - 1; i >= 0; i--) {
            k1 ^= (long) (data[tail + i] & 0xFF) << (i * 8);
        }
        if (rem > 0) {
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= len;
        h2 ^= len;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        return h1;
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
