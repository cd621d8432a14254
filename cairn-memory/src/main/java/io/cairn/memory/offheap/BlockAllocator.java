package io.cairn.memory.offheap;

import io.cairn.memory.MemoryGovernor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Native memory for immutable blocks, allocated from fixed regions that are mapped and freed whole.
 *
 * <ul>
 *   <li>Requests up to {@link SizeClasses#MAX_SMALL} bytes get a slot of a size class (eight
 *       classes per doubling) in a slab of a few pages.</li>
 *   <li>Larger requests get a run of whole pages (4 KiB by default), so a 262,158-byte UnixFS leaf
 *       takes 65 pages (1.6 % over), not a 512 KiB power-of-two slot.</li>
 *   <li>A request larger than a region gets a region of its own, sized to its pages.</li>
 * </ul>
 *
 * <p>Each region is its own shared {@link java.lang.foreign.Arena}; when its last allocation is
 * freed it is closed (beyond {@link AllocatorConfig#spareRegions()} spares), which unmaps it, so
 * the process's RSS falls by the region's size. Nothing is ever moved: fragmentation is mended by
 * whoever owns the allocations freeing them (the content cache evicts a sparse region's blocks).
 *
 * <p>Accounting is exact: {@link #mappedBytes()} is what is mapped right now, and that is what the
 * allocator reports to a governor as an off-heap consumer ({@link #registerWith}).
 *
 * <p>An allocation is named by a {@code long} handle (region and offset), never by an object, so a
 * cache can keep millions of them in primitive arrays. Allocation and freeing take one lock;
 * {@link #segment} does not. The caller must pass the size it asked for when freeing, and must not
 * touch an allocation after freeing it: in poison mode freed bytes are overwritten with
 * {@link #POISON} and empty regions are closed at once, so a use after free reads garbage or fails.
 */
public final class BlockAllocator implements AutoCloseable {
    /** What poison mode writes over freed bytes. */
    public static final byte POISON = (byte) 0xDB;

    private final AllocatorConfig config;
    private final int pageBytes;
    private final int pageShift;
    private final int regionPages;
    private final SizeClasses classes;
    private final Slab[] partial;
    private final Object lock = new Object();
    private volatile Region[] regions;
    private int emptyRegions;
    private volatile long mappedBytes;
    private volatile long allocatedBytes;
    private volatile long requestedBytes;
    private volatile long allocations;
    private volatile long regionsOpened;
    private volatile long regionsClosed;
    private boolean closed;

    public BlockAllocator(AllocatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.pageBytes = config.pageBytes();
        this.pageShift = Integer.numberOfTrailingZeros(pageBytes);
        this.regionPages = (int) (config.regionBytes() / pageBytes);
        this.classes = new SizeClasses(pageBytes);
        this.partial = new Slab[classes.count()];
        this.regions = new Region[8];
    }

    public AllocatorConfig config() {
        return config;
    }

    /**
     * Reports {@link #mappedBytes()} to {@code governor} as an off-heap consumer named {@code name}.
     * Closing the registration stops the reporting.
     */
    public MemoryGovernor.Registration registerWith(MemoryGovernor governor, String name) {
        return governor.registerConsumer(name, MemoryGovernor.Residence.OFF_HEAP, this::mappedBytes);
    }

    /**
     * Allocates {@code size} bytes, mapping a new region only if that keeps the mapped total at or
     * under both {@code limitBytes} and the configured maximum.
     *
     * @return the allocation's handle, or 0 if it does not fit
     */
    public long allocate(int size, long limitBytes) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
        long limit = Math.min(limitBytes, config.maxBytes());
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("allocator closed");
            }
            long handle = size <= SizeClasses.MAX_SMALL ? allocateSmall(size, limit) : allocateRun(size, limit);
            if (handle != 0) {
                allocations++;
                requestedBytes += size;
                allocatedBytes += roundedSize(size);
            }
            return handle;
        }
    }

    /** Frees the allocation {@code handle} of {@code size} bytes (the size it was allocated with). */
    public void free(long handle, int size) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Region r = region(handle);
            long offset = offset(handle);
            if (config.poison()) {
                r.memory.asSlice(offset, roundedSize(size)).fill(POISON);
            }
            if (size <= SizeClasses.MAX_SMALL) {
                Slab s = r.slabAt == null ? null : r.slabAt[(int) (offset >>> pageShift)];
                if (s == null || s.slotBytes != classes.slotBytes(classes.classOf(size))) {
                    throw new IllegalArgumentException("handle " + Long.toHexString(handle) + " is no " + size + "-byte slot");
                }
                boolean wasFull = s.full();
                s.give(offset);
                if (s.used == 0) {
                    unlist(s);
                    for (int p = s.firstPage; p < s.firstPage + s.pages; p++) {
                        r.slabAt[p] = null;
                    }
                    r.giveRun(s.firstPage, s.pages);
                } else if (wasFull) {
                    list(s);
                }
            } else {
                r.giveRun((int) (offset >>> pageShift), pagesFor(size));
            }
            allocations--;
            requestedBytes -= size;
            allocatedBytes -= roundedSize(size);
            if (r.empty()) {
                emptyRegions++;
                if (r.dedicated || config.poison() || emptyRegions > config.spareRegions()) {
                    closeRegion(r);
                }
            }
        }
    }

    /** The allocation's bytes. Safe without the lock for as long as the allocation is not freed. */
    public MemorySegment segment(long handle, int size) {
        return regions[(int) (handle >>> 32) - 1].memory.asSlice(offset(handle), size);
    }

    /** The region an allocation lives in (an index, for evicting by region). */
    public static int regionOf(long handle) {
        return (int) (handle >>> 32) - 1;
    }

    /** Closes every empty region, spares included: after a trim, so that all freed memory goes back. */
    public void releaseEmptyRegions() {
        synchronized (lock) {
            for (Region r : regions) {
                if (r != null && r.empty()) {
                    closeRegion(r);
                }
            }
        }
    }

    /**
     * The index of the mapped region with the fewest used pages, skipping those in {@code skip}
     * (indexes, may be null), or -1: the cheapest to empty by evicting what it holds.
     */
    public int sparsestRegion(java.util.BitSet skip) {
        synchronized (lock) {
            int best = -1;
            int bestUsed = Integer.MAX_VALUE;
            for (Region r : regions) {
                if (r != null && !r.empty() && (skip == null || !skip.get(r.index)) && r.usedPages < bestUsed) {
                    best = r.index;
                    bestUsed = r.usedPages;
                }
            }
            return best;
        }
    }

    /** Bytes of regions mapped now: what this allocator costs the process, and what it reports. */
    public long mappedBytes() {
        return mappedBytes;
    }

    /** Bytes handed out, each allocation rounded up to its slot or pages. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Bytes asked for by the allocations outstanding. */
    public long requestedBytes() {
        return requestedBytes;
    }

    public long allocationCount() {
        return allocations;
    }

    public int regionCount() {
        synchronized (lock) {
            int n = 0;
            for (Region r : regions) {
                if (r != null) {
                    n++;
                }
            }
            return n;
        }
    }

    public long regionsOpened() {
        return regionsOpened;
    }

    public long regionsClosed() {
        return regionsClosed;
    }

    /** Internal fragmentation of what is allocated now: 1 - requested / allocated (0 when empty). */
    public double internalFragmentation() {
        synchronized (lock) {
            return allocatedBytes == 0 ? 0 : 1.0 - (double) requestedBytes / allocatedBytes;
        }
    }

    /** What a request of {@code size} bytes occupies: its slot, or its pages. */
    public int roundedSize(int size) {
        if (size <= SizeClasses.MAX_SMALL) {
            return classes.slotBytes(classes.classOf(size));
        }
        return pagesFor(size) << pageShift;
    }

    /** Heap bytes of the allocator's own bookkeeping (region objects, bitmaps, slabs), estimated from their layout. */
    public long metadataBytes() {
        synchronized (lock) {
            long bytes = 16L + 4L * regions.length;
            for (Region r : regions) {
                if (r != null) {
                    // Region object, its Arena and segment objects (about 200 B together), bitmap, slab map.
                    bytes += 200 + r.metadataBytes();
                    if (r.slabAt != null) {
                        Slab last = null;
                        for (Slab s : r.slabAt) {
                            if (s != null && s != last) {
                                bytes += 64 + 8L * ((s.slots + 63) >>> 6);
                                last = s;
                            }
                        }
                    }
                }
            }
            return bytes;
        }
    }

    /** How long {@link #close} waits for an I/O call still using a region (a socket write) to return. */
    private static final long CLOSE_WAIT_NANOS = 2_000_000_000L;

    /**
     * Frees every region, whatever is still allocated. Idempotent. A region whose memory an I/O call
     * is still using at that moment (the JDK holds the arena while a read or write on its bytes is in
     * the kernel) is waited for, up to 2 s, and is left mapped if it is still busy then: closing the
     * store under a request in flight must not fail the close, nor free bytes a write is sending.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
            for (Region r : regions) {
                if (r != null) {
                    closeWhenIdle(r, deadline);
                }
            }
            closed = true;
        }
    }

    private void closeWhenIdle(Region r, long deadline) {
        while (true) {
            try {
                closeRegion(r);
                return;
            } catch (IllegalStateException busy) {
                if (System.nanoTime() - deadline >= 0) {
                    return; // left mapped: the process is shutting the store down
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private long allocateSmall(int size, long limit) {
        int cls = classes.classOf(size);
        Slab s = partial[cls];
        if (s == null) {
            int pages = classes.slabPages(cls);
            long at = takeRun(pages, limit);
            if (at == 0) {
                return 0;
            }
            Region r = region(at);
            int first = (int) (offset(at) >>> pageShift);
            s = new Slab(r, first, pages, cls, classes.slotBytes(cls), pageBytes);
            if (r.slabAt == null) {
                r.slabAt = new Slab[r.pages];
            }
            for (int p = first; p < first + pages; p++) {
                r.slabAt[p] = s;
            }
            list(s);
        }
        long offset = s.take();
        if (s.full()) {
            unlist(s);
        }
        return handle(s.region.index, offset);
    }

    private long allocateRun(int size, long limit) {
        return takeRun(pagesFor(size), limit);
    }

    /** A run of {@code n} pages in the first region with room, or in a new one; 0 if over the limit. */
    private long takeRun(int n, long limit) {
        if (n > regionPages) {
            long bytes = (long) n << pageShift;
            if (mappedBytes + bytes > limit) {
                return 0;
            }
            Region r = openRegion(bytes, true);
            r.takeRun(n);
            return handle(r.index, 0);
        }
        for (Region r : regions) {
            if (r != null && !r.dedicated && r.freePages() >= n) {
                boolean wasEmpty = r.empty();
                int first = r.takeRun(n);
                if (first >= 0) {
                    if (wasEmpty) {
                        emptyRegions--;
                    }
                    return handle(r.index, (long) first << pageShift);
                }
            }
        }
        if (mappedBytes + config.regionBytes() > limit) {
            return 0;
        }
        Region r = openRegion(config.regionBytes(), false);
        int first = r.takeRun(n);
        return handle(r.index, (long) first << pageShift);
    }

    private Region openRegion(long bytes, boolean dedicated) {
        Region[] rs = regions;
        int index = -1;
        for (int i = 0; i < rs.length; i++) {
            if (rs[i] == null) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            index = rs.length;
            rs = java.util.Arrays.copyOf(rs, rs.length * 2);
        }
        Region r = new Region(index, bytes, pageBytes, dedicated);
        rs[index] = r;
        regions = rs;
        mappedBytes += bytes;
        regionsOpened++;
        return r;
    }

    private void closeRegion(Region r) {
        // First, so that a region still in use (IllegalStateException) leaves the books unchanged.
        r.arena.close();
        if (r.empty()) {
            emptyRegions--;
        }
        Region[] rs = regions.clone();
        rs[r.index] = null;
        regions = rs;
        for (int c = 0; c < partial.length; c++) {
            Slab s = partial[c];
            while (s != null) {
                Slab next = s.next;
                if (s.region == r) {
                    unlist(s);
                }
                s = next;
            }
        }
        mappedBytes -= r.bytes;
        regionsClosed++;
    }

    private void list(Slab s) {
        if (s.listed) {
            return;
        }
        s.prev = null;
        s.next = partial[s.cls];
        if (s.next != null) {
            s.next.prev = s;
        }
        partial[s.cls] = s;
        s.listed = true;
    }

    private void unlist(Slab s) {
        if (!s.listed) {
            return;
        }
        if (s.prev != null) {
            s.prev.next = s.next;
        } else {
            partial[s.cls] = s.next;
        }
        if (s.next != null) {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.listed = false;
    }

    private int pagesFor(int size) {
        return (int) (((long) size + pageBytes - 1) >>> pageShift);
    }

    private Region region(long handle) {
        Region r = regions[(int) (handle >>> 32) - 1];
        if (r == null) {
            throw new IllegalArgumentException("handle " + Long.toHexString(handle) + " names no mapped region");
        }
        return r;
    }

    private static long offset(long handle) {
        return handle & 0xFFFF_FFFFL;
    }

    private static long handle(int regionIndex, long offset) {
        return ((long) (regionIndex + 1) << 32) | offset;
    }
}
