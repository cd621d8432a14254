package io.cairn.memory.offheap;

/**
 * Internal fragmentation of a set of block sizes under a {@link BlockAllocator}'s rounding, split
 * at 64 KiB: for each side, the bytes the allocations occupy beyond the bytes asked for, as a
 * share of what they occupy. Also the whole picture: requested against the regions mapped to hold
 * them all at once, region tails included.
 *
 * @param largeRequested bytes asked for by blocks of 64 KiB and up
 * @param largeAllocated bytes those occupy
 * @param smallRequested bytes asked for by smaller blocks
 * @param smallAllocated bytes those occupy
 * @param mapped         bytes of regions mapped with every block allocated at once
 */
public record Fragmentation(long largeRequested, long largeAllocated, long smallRequested, long smallAllocated,
                            long mapped) {
    public static final int LARGE = 65536;

    /**
     * Allocates every size (plus {@code extraBytes} each, for instance a cache's key stored with the
     * block) in a fresh allocator of {@code config} and measures it.
     */
    public static Fragmentation measure(AllocatorConfig config, int[] sizes, int extraBytes) {
        long lr = 0, la = 0, sr = 0, sa = 0;
        try (BlockAllocator a = new BlockAllocator(config.withMaxBytes(Long.MAX_VALUE).withPoison(false))) {
            for (int s : sizes) {
                int want = s + extraBytes;
                if (a.allocate(want, Long.MAX_VALUE) == 0) {
                    throw new IllegalStateException("allocation of " + want + " bytes failed");
                }
                int got = a.roundedSize(want);
                if (s >= LARGE) {
                    lr += want;
                    la += got;
                } else {
                    sr += want;
                    sa += got;
                }
            }
            return new Fragmentation(lr, la, sr, sa, a.mappedBytes());
        }
    }

    /** Share of the large blocks' occupied bytes that is rounding, 0..1. */
    public double large() {
        return largeAllocated == 0 ? 0 : 1.0 - (double) largeRequested / largeAllocated;
    }

    /** Share of the small blocks' occupied bytes that is rounding, 0..1. */
    public double small() {
        return smallAllocated == 0 ? 0 : 1.0 - (double) smallRequested / smallAllocated;
    }

    /** Share of the mapped regions not holding requested bytes (rounding and region tails), 0..1. */
    public double overall() {
        return mapped == 0 ? 0 : 1.0 - (double) (largeRequested + smallRequested) / mapped;
    }
}
