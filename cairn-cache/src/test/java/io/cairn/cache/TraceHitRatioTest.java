package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Replays real traces single-threaded, the way the hit-ratio simulator does, and checks each policy
 * against an independent reference: LRU against an access-ordered LinkedHashMap (must be equal),
 * ARC and W-TinyLFU against the published numbers in traces/README.md (ARC from the paper's
 * algorithm, W-TinyLFU from Caffeine 3.2.3).
 */
class TraceHitRatioTest {

    private static double linkedHashMapLru(int[] trace, int size) {
        Map<Integer, Integer> lru = new LinkedHashMap<>(size * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                return size() > size;
            }
        };
        long hits = 0;
        for (int key : trace) {
            if (lru.get(key) != null) {
                hits++;
            } else {
                lru.put(key, key);
            }
        }
        return 100.0 * hits / trace.length;
    }

    @Test
    void lruEqualsAnAccessOrderedLinkedHashMap() {
        for (String name : new String[] {"lirs_sprite", "lirs_multi2"}) {
            int[] trace = Traces.lirs(name);
            for (int size : new int[] {100, 500, 1000}) {
                assertThat(Traces.replay(trace, EvictionPolicy.LRU, size))
                        .as("%s @ %d", name, size)
                        .isEqualTo(linkedHashMapLru(trace, size));
            }
        }
    }

    @Test
    void arcMatchesThePublishedReplay() {
        // traces/README.md: ARC (Megiddo & Modha FAST'03) on these rows.
        assertThat(Traces.replay(Traces.lirs("lirs_sprite"), EvictionPolicy.ARC, 100)).isCloseTo(25.7, within(0.1));
        assertThat(Traces.replay(Traces.lirs("lirs_sprite"), EvictionPolicy.ARC, 500)).isCloseTo(77.4, within(0.1));
        assertThat(Traces.replay(Traces.lirs("lirs_multi2"), EvictionPolicy.ARC, 1000)).isCloseTo(50.8, within(0.15));
        assertThat(Traces.replay(Traces.lirs("lirs_multi2"), EvictionPolicy.ARC, 2000)).isCloseTo(64.3, within(0.1));
        assertThat(Traces.replay(Traces.lirs("lirs_loop"), EvictionPolicy.ARC, 512)).isCloseTo(0.0, within(0.1));
    }

    @Test
    void theDefaultPolicyKeepsWithinHalfAPointOfTheBestOnLirsSprite() {
        // lirs_sprite@500: LRU (78.3) leads LFU, ARC and W-TinyLFU. The default of 2026-12-03 (ARC
        // among its candidates, an 8-epoch pause after each switch) reached 77.56 here.
        int[] sprite = Traces.lirs("lirs_sprite");
        double best = 0;
        for (EvictionPolicy p : new EvictionPolicy[] {
                EvictionPolicy.LRU, EvictionPolicy.LFU, EvictionPolicy.ARC, EvictionPolicy.W_TINY_LFU}) {
            best = Math.max(best, Traces.replay(sprite, p, 500));
        }
        assertThat(Traces.replay(sprite, EvictionPolicy.ADAPTIVE, 500)).isGreaterThan(best - 0.5);
    }

    @Test
    void wTinyLfuIsCompetitiveWithCaffeine() {
        // Caffeine 3.2.3 in traces/README.md: loop 256/512/1000 = 23.7/48.3/97.4,
        // multi2 500/1000/2000 = 47.8/56.4/68.4, sprite 100/500/1000 = 28.0/76.8/86.5.
        int[] loop = Traces.lirs("lirs_loop");
        assertThat(Traces.replay(loop, EvictionPolicy.W_TINY_LFU, 256)).isGreaterThan(23.7 - 2);
        assertThat(Traces.replay(loop, EvictionPolicy.W_TINY_LFU, 512)).isGreaterThan(48.3 - 2);
        assertThat(Traces.replay(loop, EvictionPolicy.W_TINY_LFU, 1000)).isGreaterThan(97.4 - 2);
        int[] multi2 = Traces.lirs("lirs_multi2");
        assertThat(Traces.replay(multi2, EvictionPolicy.W_TINY_LFU, 500)).isGreaterThan(47.8 - 2);
        assertThat(Traces.replay(multi2, EvictionPolicy.W_TINY_LFU, 1000)).isGreaterThan(56.4 - 2);
        assertThat(Traces.replay(multi2, EvictionPolicy.W_TINY_LFU, 2000)).isGreaterThan(68.4 - 2);
        int[] sprite = Traces.lirs("lirs_sprite");
        assertThat(Traces.replay(sprite, EvictionPolicy.W_TINY_LFU, 100)).isGreaterThan(28.0 - 2);
        assertThat(Traces.replay(sprite, EvictionPolicy.W_TINY_LFU, 500)).isGreaterThan(76.8 - 2);
        assertThat(Traces.replay(sprite, EvictionPolicy.W_TINY_LFU, 1000)).isGreaterThan(86.5 - 2);
    }

    @Test
    void wTinyLfuTracksCaffeineOnARecencyTrace() {
        // corda: pure recency, where W-TinyLFU trails LRU (33.3 %); Caffeine 28.9 / 22.0.
        long[] corda = Traces.corda();
        assertThat(Traces.replay(corda, EvictionPolicy.LRU, 1000)).isCloseTo(33.3, within(0.1));
        assertThat(Traces.replay(corda, EvictionPolicy.W_TINY_LFU, 1000)).isCloseTo(28.9, within(1.5));
        assertThat(Traces.replay(corda, EvictionPolicy.W_TINY_LFU, 5000)).isCloseTo(22.0, within(1.5));
    }
}
