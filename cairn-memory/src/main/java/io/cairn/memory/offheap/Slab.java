package io.cairn.memory.offheap;

/**
 * A run of pages in a region cut into equal slots of one size class. A slab with a free slot is on
 * its class's partial list (intrusive, so a slab is found and unlinked in constant time). Guarded
 * by the allocator's lock.
 */
final class Slab {
    final Region region;
    final int firstPage;
    final int pages;
    final int cls;
    final int slotBytes;
    final int slots;
    final long start;
    private final long[] taken;
    int used;
    Slab prev;
    Slab next;
    boolean listed;

    Slab(Region region, int firstPage, int pages, int cls, int slotBytes, int pageBytes) {
        this.region = region;
        this.firstPage = firstPage;
        this.pages = pages;
        this.cls = cls;
        this.slotBytes = slotBytes;
        this.slots = (int) ((long) pages * pageBytes / slotBytes);
        this.start = (long) firstPage * pageBytes;
        this.taken = new long[(slots + 63) >>> 6];
    }

    boolean full() {
        return used == slots;
    }

    /** Takes a free slot and returns its byte offset in the region; the slab must not be full. */
    long take() {
        for (int w = 0; w < taken.length; w++) {
            long free = ~taken[w];
            if (free != 0) {
                int bit = Long.numberOfTrailingZeros(free);
                int slot = (w << 6) + bit;
                if (slot < slots) {
                    taken[w] |= 1L << bit;
                    used++;
                    return start + (long) slot * slotBytes;
                }
            }
        }
        throw new IllegalStateException("slab is full");
    }

    /** Gives back the slot at region offset {@code offset}. */
    void give(long offset) {
        long rel = offset - start;
        int slot = (int) (rel / slotBytes);
        if (rel < 0 || rel % slotBytes != 0 || slot >= slots) {
            throw new IllegalArgumentException("offset " + offset + " is no slot of this slab");
        }
        long bit = 1L << (slot & 63);
        if ((taken[slot >>> 6] & bit) == 0) {
            throw new IllegalStateException("double free of slot " + slot + " (" + slotBytes + " B class)");
        }
        taken[slot >>> 6] &= ~bit;
        used--;
    }
}
