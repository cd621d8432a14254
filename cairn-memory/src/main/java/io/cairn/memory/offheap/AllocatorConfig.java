package io.cairn.memory.offheap;

/**
 * Settings of a {@link BlockAllocator}, validated here and nowhere else.
 *
 * @param regionBytes  size of one region, each mapped on its own and freed whole; a multiple of
 *                     {@code pageBytes}, 64 KiB .. 1 GiB. Blocks larger than a region get a region
 *                     of their own, rounded up to whole pages
 * @param pageBytes    the unit of a large allocation (a run of pages); a power of two, 512 B .. 64 KiB
 * @param maxBytes     most bytes of regions mapped at once; at least 0
 * @param spareRegions empty regions kept mapped for reuse instead of being freed at once; at least 0
 *                     (ignored in poison mode, which frees every empty region)
 * @param poison       fill freed memory with {@link BlockAllocator#POISON} and free empty regions at
 *                     once, so that a read of freed bytes shows up as wrong bytes or as an access
 *                     to a closed arena; defaults to the system property {@code cairn.offheap.poison}
 */
public record AllocatorConfig(long regionBytes, int pageBytes, long maxBytes, int spareRegions, boolean poison) {

    /** The default region: 16 MiB (see docs/MEMORY_MANAGEMENT.md, "Block memory off the heap"). */
    public static final long DEFAULT_REGION_BYTES = 16L << 20;
    /** The default page: 4 KiB. */
    public static final int DEFAULT_PAGE_BYTES = 4096;

    public AllocatorConfig {
        if (pageBytes < 512 || pageBytes > 65536 || Integer.bitCount(pageBytes) != 1) {
            throw new IllegalArgumentException("pageBytes must be a power of two in [512, 65536], got " + pageBytes);
        }
        if (regionBytes < 65536 || regionBytes > (1L << 30) || regionBytes % pageBytes != 0) {
            throw new IllegalArgumentException("regionBytes must be a multiple of pageBytes (" + pageBytes
                    + ") in [64 KiB, 1 GiB], got " + regionBytes);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        }
        if (spareRegions < 0) {
            throw new IllegalArgumentException("spareRegions must be >= 0, got " + spareRegions);
        }
    }

    /** Default regions and pages, one spare region, poison as the system property says. */
    public static AllocatorConfig of(long maxBytes) {
        return new AllocatorConfig(DEFAULT_REGION_BYTES, DEFAULT_PAGE_BYTES, maxBytes, 1,
                Boolean.getBoolean("cairn.offheap.poison"));
    }

    public AllocatorConfig withRegionBytes(long bytes) {
        return new AllocatorConfig(bytes, pageBytes, maxBytes, spareRegions, poison);
    }

    public AllocatorConfig withPageBytes(int bytes) {
        return new AllocatorConfig(regionBytes, bytes, maxBytes, spareRegions, poison);
    }

    public AllocatorConfig withMaxBytes(long bytes) {
        return new AllocatorConfig(regionBytes, pageBytes, bytes, spareRegions, poison);
    }

    public AllocatorConfig withSpareRegions(int regions) {
        return new AllocatorConfig(regionBytes, pageBytes, maxBytes, regions, poison);
    }

    public AllocatorConfig withPoison(boolean on) {
        return new AllocatorConfig(regionBytes, pageBytes, maxBytes, spareRegions, on);
    }
}
