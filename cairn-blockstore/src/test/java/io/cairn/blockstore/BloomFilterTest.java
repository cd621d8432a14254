package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BloomFilterTest {

    private static Multihash key(long i) {
        return Multihash.digest(HashFunction.SHA2_256, ByteBuffer.allocate(8).putLong(i).array());
    }

    @Test
    void neverForgetsAnAddedKey() {
        BloomFilter f = new BloomFilter(10_000, 0.01);
        for (long i = 0; i < 10_000; i++) {
            f.add(key(i));
        }
        for (long i = 0; i < 10_000; i++) {
            assertThat(f.mightContain(key(i))).as("key %d", i).isTrue();
        }
    }

    @Test
    void falsePositiveRateIsNearTheTargetAtTheSizedLoad() {
        BloomFilter f = new BloomFilter(20_000, 0.01);
        for (long i = 0; i < 20_000; i++) {
            f.add(key(i));
        }
        int falsePositives = 0;
        int probes = 50_000;
        for (long i = 1_000_000; i < 1_000_000 + probes; i++) {
            if (f.mightContain(key(i))) {
                falsePositives++;
            }
        }
        double rate = (double) falsePositives / probes;
        // 1 % target; the expected count is ~500 with a standard deviation of ~22, so 2 % is far out.
        assertThat(rate).isLessThan(0.02).isGreaterThan(0.002);
        assertThat(f.probes()).isEqualTo(7);
        assertThat(f.sizeInBytes()).isBetween(20_000L, 26_000L); // ~9.6 bits per key
    }

    @Test
    void shortAndIdentityDigestsAreSpreadToo() {
        BloomFilter f = new BloomFilter(1_000, 0.01);
        List<Multihash> added = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Multihash mh = Multihash.of(0x00, new byte[] {(byte) i, (byte) (i >> 8)});
            f.add(mh);
            added.add(mh);
        }
        assertThat(added).allMatch(f::mightContain);
        int falsePositives = 0;
        for (int i = 1_000; i < 11_000; i++) {
            if (f.mightContain(Multihash.of(0x00, new byte[] {(byte) i, (byte) (i >> 8), 1}))) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).isLessThan(300);
    }

    @Test
    void concurrentAddsLoseNothing() throws Exception {
        BloomFilter f = new BloomFilter(40_000, 0.01);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                long base = t * 10_000L;
                pool.submit(() -> {
                    start.await();
                    for (long i = base; i < base + 10_000; i++) {
                        f.add(key(i));
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        for (long i = 0; i < 40_000; i++) {
            assertThat(f.mightContain(key(i))).isTrue();
        }
    }

    @Test
    void rejectsNonsenseSizing() {
        assertThatThrownBy(() -> new BloomFilter(0, 0.01)).hasMessageContaining("expectedKeys");
        assertThatThrownBy(() -> new BloomFilter(10, 1.5)).hasMessageContaining("falsePositiveRate");
    }
}
