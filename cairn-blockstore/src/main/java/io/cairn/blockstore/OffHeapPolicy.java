package io.cairn.blockstore;

import io.cairn.cache.EvictionPolicy;

/**
 * The replacement policies the off-heap content cache can run over its slot array, and which
 * {@link EvictionPolicy} settings map onto them. Each keeps its per-entry state in bits of the
 * state word the cache already changes to pin an entry, so a hit costs no extra write and no list
 * (W-TinyLFU, whose lists need links, is the exception).
 *
 * <ul>
 *   <li>{@link #CLOCK} ({@code lru}): second chance, the usual approximation of LRU. A hit marks the
 *       entry; the hand clears marks until it meets an unmarked entry.</li>
 *   <li>{@link #FREQUENCY_CLOCK} ({@code lfu}): GCLOCK with a two-bit counter: a hit counts up to 3,
 *       the hand counts down and evicts at 0, so an entry hit often survives several sweeps.</li>
 *   <li>{@link #WINDOW_TINY_LFU} ({@code wtinylfu}): W-TinyLFU ({@link WindowTinyLfu}): an LRU
 *       admission window of about 1 % of the bytes, sized by hill climbing, in front of a
 *       probation/protected main space, and TinyLFU (a count-min sketch, {@link FrequencySketch})
 *       deciding between the window's evictee and main's victim. Its lists cost two {@code int}
 *       links an entry; hits reach them through a lossy buffer drained under the lock.</li>
 * </ul>
 * ARC and the adaptive policy need ghost lists (and the adaptive one several policies' state) that a
 * fixed 48-byte budget does not hold: the cache refuses them rather than quietly running another one.
 */
enum OffHeapPolicy {
    CLOCK(1, false),
    FREQUENCY_CLOCK(3, false),
    WINDOW_TINY_LFU(0, true);

    /** The largest count a hit raises an entry to in its state word (1: a visited bit; 0: none kept). */
    final int maxFrequency;
    /** Whether the policy is {@link WindowTinyLfu} (lists, window, admission) rather than a CLOCK hand. */
    final boolean windowed;

    OffHeapPolicy(int maxFrequency, boolean windowed) {
        this.maxFrequency = maxFrequency;
        this.windowed = windowed;
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
            case W_TINY_LFU -> WINDOW_TINY_LFU;
            case ARC, ADAPTIVE, SIEVE, S3_FIFO -> throw new IllegalArgumentException("contentPolicy " + setting.shortName()
                    + " cannot be honoured by the off-heap content cache, whose index has no room for its"
                    + " queues and ghost lists; use lru (CLOCK), lfu (frequency CLOCK) or wtinylfu"
                    + " (W-TinyLFU: window, probation and protected lists, TinyLFU admission)");
        };
    }
}
