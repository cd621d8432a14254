package io.cairn.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The frequency sketch is sized in entries, while a byte-weighted cache's maximum is in bytes. A
 * cache emptied by the governor and then given its bound back must not mistake bytes for entries:
 * a 16 MiB content cache once grew a 32 MiB sketch that way, half of a 64 MiB server heap.
 */
class SketchSizingTest {

    @Test
    void anEmptiedByteWeightedCacheDoesNotSizeItsSketchInBytes() {
        long mib = 1L << 20;
        @SuppressWarnings("unchecked")
        WTinyLfuStrategy<String, String> s =
                (WTinyLfuStrategy<String, String>) EvictionStrategy.<String, String>create(EvictionPolicy.W_TINY_LFU, 16 * mib);
        s.setMaximum(16 * mib);
        s.setMaximum(0);          // CRITICAL: emptied; whatever arrives is evicted at once
        Node<String, String> x = new Node<>("x", "x", mib);
        s.onInsert(x);
        s.onRemove(x, true);
        s.setMaximum(4 * mib);    // first restore step, nothing cached yet
        s.onInsert(new Node<>("a", "a", mib));
        s.setMaximum(8 * mib);
        s.onInsert(new Node<>("b", "b", mib));
        s.setMaximum(16 * mib);
        for (int i = 0; i < 8; i++) {
            s.onInsert(new Node<>("k" + i, "v", mib));
        }
        // 16 MiB of 1 MiB entries is 16 entries; anything near 16 Mi counters is the bug.
        assertThat(s.sketchCapacity()).isLessThanOrEqualTo(64);
    }
}
