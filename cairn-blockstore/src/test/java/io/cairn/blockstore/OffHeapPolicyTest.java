package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multihash;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@code contentPolicy} decides how the off-heap content cache replaces blocks, and a policy it
 * cannot run is refused. Before, every setting ran plain CLOCK: the scan tests below lost their hot
 * blocks under {@code wtinylfu} and {@code lfu}, and {@code arc} was accepted silently.
 */
class OffHeapPolicyTest {
    private static final int SIZE = 4096;

    private static Multihash key(int i) {
        return Multihash.digest(HashFunction.SHA2_256, ByteBuffer.allocate(4).putInt(i).array());
    }

    private static OffHeapBlockCache cache(EvictionPolicy setting) {
        // 64 KiB regions of 4 KiB slots: room for a few hundred blocks
        return new OffHeapBlockCache(2L << 20, OffHeapPolicy.of(setting), null, null, System::nanoTime, true);
    }

    private static void get(OffHeapBlockCache c, int i) {
        try (OffHeapBlockCache.Lease l = c.acquire(key(i))) {
            if (l == null) {
                c.put(key(i), ByteBuffer.wrap(new byte[SIZE - 40]));
            }
        }
    }

    /** Hot blocks read often, then a long one-time scan of cold ones; how many hot ones stay cached. */
    private static int hotSurvivingAScan(EvictionPolicy setting) {
        try (OffHeapBlockCache c = cache(setting)) {
            int hot = 100;
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < hot; i++) {
                    get(c, i);
                }
            }
            for (int i = 1_000; i < 6_000; i++) { // five times what the cache holds, each block once
                get(c, i);
            }
            int cached = 0;
            for (int i = 0; i < hot; i++) {
                if (c.contains(key(i))) {
                    cached++;
                }
            }
            return cached;
        }
    }

    @Test
    void settingsMapOntoThePoliciesTheIndexCanRun() {
        assertThat(OffHeapPolicy.of(EvictionPolicy.LRU)).isEqualTo(OffHeapPolicy.CLOCK);
        assertThat(OffHeapPolicy.of(EvictionPolicy.LFU)).isEqualTo(OffHeapPolicy.FREQUENCY_CLOCK);
        assertThat(OffHeapPolicy.of(EvictionPolicy.W_TINY_LFU)).isEqualTo(OffHeapPolicy.TINY_LFU_CLOCK);
        try (OffHeapBlockCache c = cache(EvictionPolicy.W_TINY_LFU)) {
            assertThat(c.policy()).isEqualTo(OffHeapPolicy.TINY_LFU_CLOCK);
        }
    }

    @Test
    void arcAndAdaptiveAreRefusedWithAConfigurationError() {
        for (EvictionPolicy p : new EvictionPolicy[] {EvictionPolicy.ARC, EvictionPolicy.ADAPTIVE}) {
            assertThatThrownBy(() -> CachingBlockstore.Options.defaults().withContentPolicy(p))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("contentPolicy " + p.shortName())
                    .hasMessageContaining("lru").hasMessageContaining("wtinylfu");
        }
        // without a content cache there is nothing to honour
        assertThat(CachingBlockstore.Options.defaults().withContentCacheBytes(0).withContentPolicy(EvictionPolicy.ARC)
                .contentPolicy()).isEqualTo(EvictionPolicy.ARC);
    }

    @Test
    void tinyLfuAdmissionKeepsHotBlocksThroughAScan() {
        assertThat(hotSurvivingAScan(EvictionPolicy.W_TINY_LFU)).isGreaterThanOrEqualTo(90);
    }

    @Test
    void plainClockLosesThemToTheScan() {
        assertThat(hotSurvivingAScan(EvictionPolicy.LRU)).isLessThan(10);
    }

    /** Frequency CLOCK: a block hit several times outlives blocks hit once, as the hand passes. */
    @Test
    void frequencyClockKeepsBlocksHitOftenOverBlocksHitOnce() {
        try (OffHeapBlockCache c = cache(EvictionPolicy.LFU); OffHeapBlockCache clock = cache(EvictionPolicy.LRU)) {
            for (OffHeapBlockCache x : new OffHeapBlockCache[] {c, clock}) {
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < 50; i++) {
                        get(x, i);
                    }
                }
                // a scan a little longer than the cache: plain CLOCK's single visited bit is spent on the first pass
                for (int i = 1_000; i < 1_000 + 2 * 500; i++) {
                    get(x, i);
                }
            }
            int frequent = 0;
            int clockKept = 0;
            for (int i = 0; i < 50; i++) {
                frequent += c.contains(key(i)) ? 1 : 0;
                clockKept += clock.contains(key(i)) ? 1 : 0;
            }
            assertThat(frequent).isGreaterThan(clockKept).isGreaterThanOrEqualTo(40);
        }
    }
}
