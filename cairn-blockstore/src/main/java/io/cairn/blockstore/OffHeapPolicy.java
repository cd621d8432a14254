package io.cairn.blockstore;

import io.cairn.cache.EvictionPolicy;

/**
 * The replacement policies the off-heap content cache can run over its slot array, and which
 * {@link EvictionPolicy} settings map onto them. Each keeps its per-entry state in bits of the
 * state word the cache already changes to pin an entry, so a hit costs no extra write and no list.
 *
 * <ul>
 *   <li>{@link #CLOCK} ({@code lru}): second chance, the usual approximation of LRU. A hit marks the
 *       entry; the hand clears marks until it meets an unmarked entry.</li>
 *   <li>{@link #FREQUENCY_CLOCK} ({@code lfu}): GCLOCK with a two-bit counter: a hit counts up to 3,
 *       the hand counts down and evicts at 0, so an entry hit often survives several sweeps.</li>
 *   <li>{@link #TINY_LFU_CLOCK} ({@code wtinylfu}): the frequency CLOCK, plus TinyLFU's admission
 *       filter (a count-min sketch of recent lookups, {@link FrequencySketch}): a new block that needs
 *       an eviction is cached only if it was asked for more often than the victim. It has no window
 *       of its own, so it is W-TinyLFU's admission without the window.</li>
 * </ul>
 * ARC and the adaptive policy need queues and ghost lists per entry that a fixed 48-byte budget and
 * a reused slot array do not hold: the cache refuses them rather than quietly running another one.
 */
enum OffHeapPolicy {
    CLOCK(1, false),
    FREQUENCY_CLOCK(3, false),
    TINY_LFU_CLOCK(3, true);

    /** The largest count a hit raises an entry to (1: a visited bit). */
    final int maxFrequency;
    /** Whether new blocks pass the TinyLFU filter before they may evict. */
    final boolean admission;

    OffHeapPolicy(int maxFrequency, boolean admission) {
        this.maxFrequency = maxFrequency;
        this.admission = admission;
    }

    /**
     * The policy that honours {@code setting}.
     *
     * @throws IllegalArgumentException naming the setting and the ones the off-heap cache supports
     */
    static OffHeapPolicy of(EvictionPolicy setting) {
        return switch (setting) {
            case LRU -> CLOCK;
            case LFU -> FREQUENCY_CLOCK;
            case W_TINY_LFU -> TINY_LFU_CLOCK;
            case ARC, ADAPTIVE, SIEVE, S3_FIFO -> throw new IllegalArgumentException("contentPolicy " + setting.shortName()
                    + " cannot be honoured by the off-heap content cache, whose index has no room for its"
                    + " queues and ghost lists; use lru (CLOCK), lfu (frequency CLOCK) or wtinylfu"
                    + " (TinyLFU admission over frequency CLOCK)");
        };
    }
}
