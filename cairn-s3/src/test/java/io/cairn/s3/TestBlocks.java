package io.cairn.s3;

import io.cairn.blockstore.Block;

import java.util.Random;

/** Blocks of random bytes for the S3 tests, the same bytes for the same seed. */
final class TestBlocks {
    private TestBlocks() {
    }

    static Block random(int seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Block.raw(data);
    }
}
