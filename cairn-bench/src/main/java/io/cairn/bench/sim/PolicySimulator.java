package io.cairn.bench.sim;

/**
 * An eviction policy that can be replayed against a whole trace at a fixed capacity in entries.
 * Online policies see one key at a time; the clairvoyant one ({@link BeladyOpt}) needs the whole
 * trace up front, which is why the unit of work is a trace rather than a single access.
 */
public interface PolicySimulator {

    /** The policy's command-line name (e.g. {@code lru}, {@code caffeine}, {@code opt}). */
    String name();

    /**
     * Replays {@code trace} against an empty cache of {@code capacity} entries, admitting every
     * miss, and returns the number of hits.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    long countHits(long[] trace, int capacity);

    static void checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache size must be at least 1 entry, got " + capacity);
        }
    }
}
