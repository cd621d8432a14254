package io.cairn.memory.offheap;

/**
 * The slot sizes of small allocations: 16-byte steps up to 128 bytes, then eight classes per
 * doubling (a spacing of 12.5 %) up to {@link #MAX_SMALL}, so a request is rounded up by less than
 * an eighth of its size (plus at most 15 bytes below 128). Each class packs its slots into slabs of
 * a few pages, the page count chosen so that the slab's tail left over after the last slot is
 * smallest.
 */
final class SizeClasses {
    /** Largest size served from a slab; larger requests take a run of pages. */
    static final int MAX_SMALL = 32768;
    private static final int MAX_SLAB_PAGES = 64;
    private static final int MIN_SLAB_SLOTS = 32;

    private final int[] slotBytes;
    private final int[] slabPages;
    private final byte[] classOf;

    SizeClasses(int pageBytes) {
        int[] sizes = new int[128];
        int n = 0;
        for (int s = 16; s <= 128; s += 16) {
            sizes[n++] = s;
        }
        for (int base = 128; base < MAX_SMALL; base *= 2) {
            int step = base / 8;
            for (int k = 1; k <= 8; k++) {
                sizes[n++] = base + k * step;
            }
        }
        slotBytes = java.util.Arrays.copyOf(sizes, n);
        slabPages = new int[n];
        for (int c = 0; c < n; c++) {
            slabPages[c] = bestSlabPages(slotBytes[c], pageBytes);
        }
        classOf = new byte[MAX_SMALL / 16];
        int c = 0;
        for (int i = 0; i < classOf.length; i++) {
            int size = (i + 1) * 16;
            while (slotBytes[c] < size) {
                c++;
            }
            classOf[i] = (byte) c;
        }
    }

    /**
     * The slab size for a class: the fewest pages (up to {@value #MAX_SLAB_PAGES}) that hold at
     * least {@value #MIN_SLAB_SLOTS} slots and leave the smallest tail. Enough slots per slab keeps
     * the slab's own bookkeeping (about 90 bytes) to a few bytes per block.
     */
    private static int bestSlabPages(int slot, int pageBytes) {
        int best = -1;
        double bestWaste = 2;
        for (int p = Math.max(1, (slot + pageBytes - 1) / pageBytes); p <= MAX_SLAB_PAGES; p++) {
            long bytes = (long) p * pageBytes;
            if (bytes / slot < MIN_SLAB_SLOTS && p < MAX_SLAB_PAGES) {
                continue;
            }
            double waste = (double) (bytes % slot) / bytes;
            if (waste < bestWaste - 1e-9) {
                bestWaste = waste;
                best = p;
            }
            if (waste < 0.01) {
                break;
            }
        }
        return best;
    }

    int count() {
        return slotBytes.length;
    }

    /** The class of a request of {@code size} bytes, 1 .. {@link #MAX_SMALL}. */
    int classOf(int size) {
        return classOf[(size - 1) >>> 4];
    }

    int slotBytes(int cls) {
        return slotBytes[cls];
    }

    int slabPages(int cls) {
        return slabPages[cls];
    }
}
