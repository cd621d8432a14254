package io.cairn.memory.offheap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One mapped stretch of native memory with its own shared arena: a page bitmap for runs, and for
 * the pages that slabs occupy, which slab owns them. Freed whole by closing the arena. Guarded by
 * the allocator's lock, except {@link #memory}, which readers slice without it while they hold a
 * pin on what they read.
 */
final class Region {
    final int index;
    final Arena arena;
    final MemorySegment memory;
    final long bytes;
    final int pages;
    /** A region made for one block larger than the standard region size. */
    final boolean dedicated;
    private final long[] usedBits;
    int usedPages;
    /** Slab owning each page, or null; made on the first slab. */
    Slab[] slabAt;

    Region(int index, long bytes, int pageBytes, boolean dedicated) {
        this.index = index;
        this.bytes = bytes;
        this.pages = (int) (bytes / pageBytes);
        this.dedicated = dedicated;
        this.usedBits = new long[(pages + 63) >>> 6];
        this.arena = Arena.ofShared();
        try {
            this.memory = NativeMemory.allocate(arena, bytes);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    int freePages() {
        return pages - usedPages;
    }

    boolean empty() {
        return usedPages == 0;
    }

    /** First fit: the first page of a free run of {@code n} pages, marked used; -1 if there is none. */
    int takeRun(int n) {
        if (n > freePages()) {
            return -1;
        }
        int from = 0;
        while (from + n <= pages) {
            int start = nextClear(from);
            if (start < 0 || start + n > pages) {
                return -1;
            }
            int end = nextSet(start, start + n);
            if (end - start >= n) {
                mark(start, n, true);
                usedPages += n;
                return start;
            }
            from = end + 1;
        }
        return -1;
    }

    void giveRun(int first, int n) {
        for (int p = first; p < first + n; p++) {
            if ((usedBits[p >>> 6] & (1L << (p & 63))) == 0) {
                throw new IllegalStateException("double free of page " + p + " in region " + index);
            }
        }
        mark(first, n, false);
        usedPages -= n;
    }

    private void mark(int first, int n, boolean used) {
        for (int p = first; p < first + n; p++) {
            if (used) {
                usedBits[p >>> 6] |= 1L << (p & 63);
            } else {
                usedBits[p >>> 6] &= ~(1L << (p & 63));
            }
        }
    }

    private int nextClear(int from) {
        int w = from >>> 6;
        if (w >= usedBits.length) {
            return -1;
        }
        long word = ~usedBits[w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                int p = (w << 6) + Long.numberOfTrailingZeros(word);
                return p < pages ? p : -1;
            }
            if (++w == usedBits.length) {
                return -1;
            }
            word = ~usedBits[w];
        }
    }

    /** The first used page in [from, limit), or limit. */
    private int nextSet(int from, int limit) {
        int w = from >>> 6;
        long word = usedBits[w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                return Math.min(limit, (w << 6) + Long.numberOfTrailingZeros(word));
            }
            if (++w >= usedBits.length || (w << 6) >= limit) {
                return limit;
            }
            word = usedBits[w];
        }
    }

    /** Heap bytes of this region's bookkeeping (bitmap and slab map), for the metadata figures. */
    long metadataBytes() {
        return 16 + 8L * usedBits.length + (slabAt == null ? 0 : 16 + 4L * slabAt.length);
    }
}
