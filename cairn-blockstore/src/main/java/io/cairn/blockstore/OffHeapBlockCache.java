package io.cairn.blockstore;

import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.Multihash;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.BlockAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The block content cache, its bytes in native memory from a {@link BlockAllocator}, its index in
 * primitive arrays: no object per entry, and heap use that does not grow with the bytes cached.
 *
 * <p><b>Layout.</b> An entry is a slot number. Per slot: the allocation handle, a state word and the
 * allocation's size, in chunked arrays of {@value #CHUNK} slots (chunks never
 * move, so lock-free readers can index them while writers grow the chunk list). The allocation
 * holds the encoded multihash followed by the payload, so the key costs no heap and a lookup
 * compares it in place (a multihash is self-delimiting: equal leading bytes mean equal keys). An
 * open-addressing table (linear probing, backward-shift deletion) maps the key's hash to the slot.
 * The full hash is not kept: where it is needed (growing the table, deleting from it, the policy's
 * frequency of a victim) it is computed again from the key in native memory.
 *
 * <p><b>State word</b> (an {@code int} per slot, changed only by compare-and-set): bits 0-19 the
 * reference count, bits 20-21 the policy's hit count (CLOCK's visited bit, or a frequency up to 3),
 * bit 22 LIVE (in the table), bits 23-31 a tag, the top bits of the key's hash, so that a lookup
 * pins only entries that probably hold its key. A live entry holds one reference for the cache. A
 * reader pins by adding one (and counting the hit) while the count is above zero, then checks the
 * key in place; eviction clears LIVE and drops the cache's reference; whoever brings the count to
 * zero frees the allocation and the slot. So neither eviction nor a trim ever frees or reuses bytes
 * a reader holds; a reader whose compare-and-set lands on a slot reused meanwhile pins the new
 * entry, finds another key and lets go.
 *
 * <p><b>Policy</b> ({@link OffHeapPolicy}, chosen by {@code contentPolicy}): CLOCK or a frequency
 * CLOCK over the slot array, or W-TinyLFU ({@link WindowTinyLfu}) over lists of slot numbers. For
 * the CLOCKs a hit raises a count in the state word it already updates to pin, so a hit costs no
 * extra write; the hand counts entries down until it finds one at zero. W-TinyLFU keeps two
 * {@code int} links an entry (room made by keeping the state in an {@code int} and the hash in the
 * key) and learns of hits through a lossy buffer drained under the lock.
 *
 * <p><b>Governance</b> as for the heap caches ({@link GovernanceConfig}): a rise cuts the bound at
 * once by evicting whole regions, sparsest first, and unmapping them, so memory really goes back;
 * HIGH stops admitting, CRITICAL empties. After a fall the bound climbs back one restore step at
 * once and one more per restore interval, computed from the clock when read, so it returns with no
 * writes, no reads and no timer.
 *
 * <p>Structural changes take one lock; hits do not (a W-TinyLFU hit that finds its buffer stripe
 * full tries the lock to drain it, and drops the record if the lock is busy).
 */
final class OffHeapBlockCache implements AutoCloseable {
    static final int CHUNK = 1024;
    private static final int CHUNK_SHIFT = 10;
    private static final int RC_MASK = (1 << 20) - 1;
    private static final int FREQ_SHIFT = 20;
    private static final int FREQ_MASK = 3 << FREQ_SHIFT;
    private static final int FREQ_ONE = 1 << FREQ_SHIFT;
    private static final int LIVE = 1 << 22;
    private static final int TAG_MASK = ~((1 << 23) - 1);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int EVICTION_TRIES = 64;

    /** Why an entry left the cache. */
    enum Cause { SIZE, PRESSURE, EXPLICIT }

    private static final class Chunk {
        final long[] handle = new long[CHUNK];
        final int[] state = new int[CHUNK];
        final int[] size = new int[CHUNK];
    }

    private final long maximum;
    private final OffHeapPolicy policy;
    /** W-TinyLFU's lists, sketch and hit buffer; null for the CLOCK policies. */
    private final WindowTinyLfu lists;
    private final BlockAllocator allocator;
    private final GovernanceConfig governance;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<MemoryGovernor.Registration> registrations = new ArrayList<>();

    private volatile Chunk[] chunks = new Chunk[4];
    private volatile int[] table = new int[64];
    private int slotCount;
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int hand;
    private volatile int entries;
    private volatile long liveBytes;

    // Bound in force: `bound`, or while restoring, climbing from restoreFrom to restoreTo.
    private long bound;
    private volatile boolean admit = true;
    private boolean restoring;
    private long restoreFrom;
    private long restoreTo;
    private long restoreStart;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile long puts;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder copiedBytes = new LongAdder();
    /** What an unpinned publish returns when it succeeded. */
    private final Lease notLent = new Lease(-1, null);
    private final long[] removals = new long[Cause.values().length];
    private volatile long evictedBytes;

    OffHeapBlockCache(long maximumBytes, MemoryGovernor governor, GovernanceConfig governance, LongSupplier nanoClock) {
        this(maximumBytes, OffHeapPolicy.CLOCK, governor, governance, nanoClock);
    }

    OffHeapBlockCache(long maximumBytes, OffHeapPolicy policy, MemoryGovernor governor, GovernanceConfig governance,
                      LongSupplier nanoClock) {
        this(maximumBytes, policy, governor, governance, nanoClock, Boolean.getBoolean("cairn.offheap.poison"));
    }

    /** As above, with poison mode ({@link AllocatorConfig#poison()}) chosen by the caller (tests). */
    OffHeapBlockCache(long maximumBytes, MemoryGovernor governor, GovernanceConfig governance, LongSupplier nanoClock,
                      boolean poison) {
        this(maximumBytes, OffHeapPolicy.CLOCK, governor, governance, nanoClock, poison);
    }

    OffHeapBlockCache(long maximumBytes, OffHeapPolicy policy, MemoryGovernor governor, GovernanceConfig governance,
                      LongSupplier nanoClock, boolean poison) {
        this(maximumBytes, policy, governor, governance, nanoClock, poison, regionBytesFor(maximumBytes),
                AllocatorConfig.DEFAULT_PAGE_BYTES);
    }

    /**
     * As above, with the allocator's region and page sizes given (the hit-ratio replay: regions that
     * hold exactly its entries, pages that are exactly one entry).
     */
    OffHeapBlockCache(long maximumBytes, OffHeapPolicy policy, MemoryGovernor governor, GovernanceConfig governance,
                      LongSupplier nanoClock, boolean poison, long regionBytes, int pageBytes) {
        if (maximumBytes <= 0) {
            throw new IllegalArgumentException("maximumBytes must be > 0, got " + maximumBytes);
        }
        this.maximum = maximumBytes;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.lists = policy.windowed ? new WindowTinyLfu(maximumBytes, new WindowTinyLfu.Slots() {
            @Override
            public int weight(int slot) {
                return allocator.roundedSize(chunk(slot).size[slot & (CHUNK - 1)]);
            }

            @Override
            public int hash(int slot) {
                return hashOf(slot);
            }
        }) : null;
        this.bound = maximumBytes;
        this.governance = governance == null ? GovernanceConfig.defaults() : governance;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.allocator = new BlockAllocator(AllocatorConfig.of(maximumBytes)
                .withPageBytes(pageBytes).withRegionBytes(regionBytes).withPoison(poison));
        if (governor != null) {
            registrations.add(allocator.registerWith(governor, "block-cache-offheap"));
            registrations.add(governor.addListener((previous, current, stats) -> onPressure(current)));
            onPressure(governor.level());
        }
    }

    /** Regions of an eighth of the cache, a power of two, 64 KiB to the allocator's default. */
    static long regionBytesFor(long maximumBytes) {
        long r = Long.highestOneBit(Math.max(1, maximumBytes / 8));
        return Math.clamp(r, 64L << 10, AllocatorConfig.DEFAULT_REGION_BYTES);
    }

    // ---------------------------------------------------------------- reading

    /** A pinned entry: its payload stays valid, and is never freed or reused, until {@link #close}. */
    final class Lease implements AutoCloseable {
        private final int slot;
        private final ByteBuffer buffer;
        private boolean closed;

        private Lease(int slot, ByteBuffer buffer) {
            this.slot = slot;
            this.buffer = buffer;
        }

        /** The payload, read-only, a direct buffer over native memory. */
        ByteBuffer buffer() {
            if (closed) {
                throw new IllegalStateException("lease closed");
            }
            return buffer;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                unpin(slot);
            }
        }
    }

    /** The pinned entry for {@code key}, or null. Lock-free. */
    Lease acquire(Multihash key) {
        Lease lease = lend(key);
        if (lease == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return lease;
    }

    /**
     * As {@link #acquire}, counting a hit but not a miss: for a caller that, finding nothing, hands the
     * read to a path that looks again (and counts the miss there).
     */
    Lease acquireIfPresent(Multihash key) {
        Lease lease = lend(key);
        if (lease != null) {
            hits.increment();
        }
        return lease;
    }

    /** As {@link #acquire}, counting neither a hit nor a miss (a lookup right after a counted miss). */
    Lease lend(Multihash key) {
        byte[] k = keyBytes(key);
        int h = spread(key.hashCode());
        int slot = find(k, h);
        if (slot < 0) {
            return null;
        }
        if (lists != null && !lists.offerHit(slot, h)) {
            drainIfFree();
            lists.offerHit(slot, h);
        }
        Chunk c = chunk(slot);
        int i = slot & (CHUNK - 1);
        MemorySegment seg = allocator.segment(c.handle[i], c.size[i]).asSlice(k.length);
        return new Lease(slot, seg.asByteBuffer().asReadOnlyBuffer());
    }

    /** Whether {@code key} is cached; counts neither a hit nor a miss. */
    boolean contains(Multihash key) {
        byte[] k = keyBytes(key);
        int slot = find(k, spread(key.hashCode()));
        if (slot >= 0) {
            unpin(slot);
            return true;
        }
        return false;
    }

    private int find(byte[] key, int h) {
        int[] t = table;
        int mask = t.length - 1;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            int v = (int) INTS.getAcquire(t, i);
            if (v == 0) {
                return -1;
            }
            int slot = v - 1;
            Chunk c = chunk(slot);
            int j = slot & (CHUNK - 1);
            if (!tryPin(c, j, h & TAG_MASK, policy.maxFrequency)) {
                continue;
            }
            if (keyMatches(c, j, key)) {
                return slot;
            }
            unpin(slot);
        }
        return -1;
    }

    /**
     * Adds a reference and counts a hit (up to {@code maxFrequency}), unless the slot is free, full,
     * or tagged for another hash.
     */
    private static boolean tryPin(Chunk c, int j, int tag, int maxFrequency) {
        while (true) {
            int st = (int) INTS.getVolatile(c.state, j);
            if ((st & TAG_MASK) != tag || (st & RC_MASK) == 0 || (st & RC_MASK) == RC_MASK) {
                return false;
            }
            int next = st + 1;
            if (((st & FREQ_MASK) >>> FREQ_SHIFT) < maxFrequency) {
                next += FREQ_ONE;
            }
            if (INTS.compareAndSet(c.state, j, st, next)) {
                return true;
            }
        }
    }

    /** The spread hash of the key stored in {@code slot} (a live or pinned slot: its bytes are valid). */
    private int hashOf(int slot) {
        Chunk c = chunk(slot);
        int j = slot & (CHUNK - 1);
        MemorySegment seg = allocator.segment(c.handle[j], c.size[j]);
        // the key is a multihash: varint code, varint digest length, digest; hashed as Multihash.hashCode
        int at = 0;
        at = skipVarint(seg, at);
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at++);
            length |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
        }
        long end = at + length;
        int h = 1;
        for (long i = 0; i < end; i++) {
            h = 31 * h + seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        }
        return spread(h);
    }

    private static int skipVarint(MemorySegment seg, int at) {
        while (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at++) < 0) {
            // continuation bit set
        }
        return at;
    }

    /** Applies buffered W-TinyLFU hits if nobody holds the lock; otherwise they wait (or drop). */
    private void drainIfFree() {
        if (lock.tryLock()) {
            try {
                lists.drain();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean keyMatches(Chunk c, int j, byte[] key) {
        int size = c.size[j];
        if (size < key.length) {
            return false;
        }
        MemorySegment seg = allocator.segment(c.handle[j], size);
        return MemorySegment.mismatch(seg, 0, key.length, MemorySegment.ofArray(key), 0, key.length) == -1;
    }

    private void unpin(int slot) {
        Chunk c = chunk(slot);
        int j = slot & (CHUNK - 1);
        int before = (int) INTS.getAndAdd(c.state, j, -1);
        if ((before & RC_MASK) == 1) {
            lock.lock();
            try {
                reclaim(slot);
                // The last reader of an entry evicted by a trim: its region may be all that keeps
                // the cache over the bound in force, so give back whatever emptied.
                if (allocator.mappedBytes() > effectiveMaximumLocked()) {
                    allocator.releaseEmptyRegions();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Copies {@code payload} (from each buffer's position to its limit, in order; the buffers are not
     * moved) in under {@code key}, evicting as needed: segment to segment, nothing through the heap.
     *
     * @return whether the block is cached now (false: refused by the governor, too big, or no room
     *         that eviction could make because readers pin it)
     */
    boolean put(Multihash key, ByteBuffer... payload) {
        long bytes = 0;
        for (ByteBuffer b : payload) {
            bytes += b.remaining();
        }
        if (bytes > Integer.MAX_VALUE) {
            return false;
        }
        try (Reservation r = reserve(key, (int) bytes)) {
            if (r == null) {
                return contains(key);
            }
            MemorySegment into = r.payload();
            long at = 0;
            for (ByteBuffer b : payload) {
                MemorySegment from = MemorySegment.ofBuffer(b);
                MemorySegment.copy(from, 0, into, at, from.byteSize());
                at += from.byteSize();
            }
            copiedBytes.add(at);
            return r.publish();
        }
    }

    /**
     * Room for a block of {@code payloadBytes} under {@code key}, allocated (evicting as needed) but
     * not yet visible: the caller fills {@link Reservation#payload()}, then publishes it or closes
     * it. Lets a store read a missed block straight into the cache.
     *
     * @return the reservation, or null: the key is cached already, the governor refuses, the block is
     *         too big, or eviction could make no room
     */
    Reservation reserve(Multihash key, int payloadBytes) {
        byte[] k = keyBytes(key);
        int h = spread(key.hashCode());
        long total = (long) k.length + payloadBytes;
        if (total > Integer.MAX_VALUE || payloadBytes < 0) {
            return null;
        }
        int size = (int) total;
        if (!admit) {
            rejected.increment();
            return null; // not admitting (HIGH, CRITICAL): decided without the lock
        }
        long handle;
        lock.lock();
        try {
            int existing = find(k, h);
            if (existing >= 0) {
                unpin(existing);
                return null;
            }
            handle = admit ? allocateEvicting(size, h) : 0;
            if (handle == 0) {
                rejected.increment();
                return null;
            }
        } finally {
            lock.unlock();
        }
        // Nobody can see the allocation before it is published.
        MemorySegment seg = allocator.segment(handle, size);
        MemorySegment.copy(MemorySegment.ofArray(k), 0, seg, 0, k.length);
        return new Reservation(k, h, handle, size);
    }

    /** Bytes that {@link #put} copied into the cache from its callers' buffers (not read in through a reservation). */
    long copiedBytes() {
        return copiedBytes.sum();
    }

    /** An allocation for one block, filled by its holder, then published into the cache or freed. */
    final class Reservation implements AutoCloseable {
        private final byte[] key;
        private final int hash;
        private final long handle;
        private final int size;
        private boolean done;

        private Reservation(byte[] key, int hash, long handle, int size) {
            this.key = key;
            this.hash = hash;
            this.handle = handle;
            this.size = size;
        }

        /** Where the block's bytes go: writable native memory, exactly the block's size. */
        MemorySegment payload() {
            if (done) {
                throw new IllegalStateException("reservation published or closed");
            }
            return allocator.segment(handle, size).asSlice(key.length);
        }

        /** Makes the filled block visible; false if it could not be (the key was cached meanwhile, or admission stopped). */
        boolean publish() {
            return publish(false) != null;
        }

        /**
         * As {@link #publish()}, returning the entry pinned (until the lease is closed), or null if
         * it was not published; then the bytes stay this reservation's until it is closed.
         */
        Lease publishPinned() {
            Lease l = publish(true);
            return l == notLent ? null : l;
        }

        private Lease publish(boolean pinned) {
            if (done) {
                throw new IllegalStateException("reservation published or closed");
            }
            lock.lock();
            try {
                int existing = find(key, hash);
                if (existing >= 0) {
                    unpin(existing);
                }
                if (existing >= 0 || !admit) {
                    return null;
                }
                done = true;
                int slot = newSlot();
                Chunk c = chunk(slot);
                int j = slot & (CHUNK - 1);
                c.handle[j] = handle;
                c.size[j] = size;
                INTS.setRelease(c.state, j, (hash & TAG_MASK) | LIVE | (pinned ? 2 : 1));
                insert(slot, hash);
                entries++;
                if (lists != null) {
                    lists.inserted(slot, allocator.roundedSize(size));
                    lists.entriesNow(entries);
                }
                liveBytes += size;
                puts++;
                if (!pinned) {
                    return notLent;
                }
                return new Lease(slot, allocator.segment(handle, size).asSlice(key.length).asByteBuffer().asReadOnlyBuffer());
            } finally {
                lock.unlock();
            }
        }

        /** Frees the allocation unless it was published. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                lock.lock();
                try {
                    allocator.free(handle, size);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Removes {@code key}; readers holding it keep their bytes until they let go. */
    void invalidate(Multihash key) {
        byte[] k = keyBytes(key);
        lock.lock();
        try {
            int slot = find(k, spread(key.hashCode()));
            if (slot >= 0) {
                unpin(slot);
                evict(slot, Cause.EXPLICIT);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes everything, and gives every region back. */
    void clear() {
        lock.lock();
        try {
            evictAll(Cause.EXPLICIT);
            allocator.releaseEmptyRegions();
        } finally {
            lock.unlock();
        }
    }

    /** Applies the bound in force now (a restore step that fell due, nothing else to do). */
    void cleanUp() {
        lock.lock();
        try {
            if (lists != null) {
                lists.drain();
            }
            long b = effectiveMaximumLocked();
            if (allocator.mappedBytes() > b) {
                trimTo(b);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Room for a block of {@code size} bytes whose key hashes to {@code h}; 0 if refused or no room. */
    private long allocateEvicting(int size, int h) {
        long limit = effectiveMaximumLocked();
        if (allocator.roundedSize(size) > limit) {
            return 0;
        }
        if (lists != null) {
            lists.drain(); // hits first, in order, so that the lists are as recent as the requests
            lists.beginInsert(allocator.roundedSize(size), h);
        }
        for (int attempt = 0; attempt < EVICTION_TRIES; attempt++) {
            long handle = allocator.allocate(size, limit);
            if (handle != 0) {
                return handle;
            }
            int victim = lists != null ? lists.victim() : clockVictim();
            if (victim < 0) {
                break;
            }
            evict(victim, Cause.SIZE);
        }
        // Free pages are scattered: empty the sparsest regions until the run fits.
        BitSet tried = new BitSet();
        for (int attempt = 0; attempt < 8; attempt++) {
            long handle = allocator.allocate(size, limit);
            if (handle != 0) {
                return handle;
            }
            int r = allocator.sparsestRegion(tried);
            if (r < 0) {
                return 0;
            }
            tried.set(r);
            evictRegion(r, Cause.SIZE);
        }
        return allocator.allocate(size, limit);
    }

    /**
     * Moves the hand to the next live entry whose count is zero, counting down the ones it passes,
     * and returns its slot (not evicted yet); -1 if nothing can be evicted.
     */
    private int clockVictim() {
        for (int steps = 0, max = (policy.maxFrequency + 1) * slotCount + 1; steps < max && slotCount > 0; steps++) {
            if (hand >= slotCount) {
                hand = 0;
            }
            int slot = hand++;
            Chunk c = chunk(slot);
            int j = slot & (CHUNK - 1);
            int st = (int) INTS.getVolatile(c.state, j);
            if ((st & LIVE) == 0) {
                continue;
            }
            if ((st & FREQ_MASK) != 0) {
                INTS.compareAndSet(c.state, j, st, st - FREQ_ONE);
                continue;
            }
            return slot;
        }
        return -1;
    }

    private void evictRegion(int region, Cause cause) {
        for (int slot = 0; slot < slotCount; slot++) {
            Chunk c = chunk(slot);
            int j = slot & (CHUNK - 1);
            int st = (int) INTS.getVolatile(c.state, j);
            if ((st & LIVE) != 0 && BlockAllocator.regionOf(c.handle[j]) == region) {
                evict(slot, cause);
            }
        }
    }

    private void evictAll(Cause cause) {
        for (int slot = 0; slot < slotCount; slot++) {
            Chunk c = chunk(slot);
            if (((int) INTS.getVolatile(c.state, slot & (CHUNK - 1)) & LIVE) != 0) {
                evict(slot, cause);
            }
        }
    }

    /** Unlinks a live entry and drops the cache's reference. Lock held. */
    private void evict(int slot, Cause cause) {
        Chunk c = chunk(slot);
        int j = slot & (CHUNK - 1);
        if (((int) INTS.getVolatile(c.state, j) & LIVE) == 0) {
            return;
        }
        // Unlinked while the cache's reference keeps the key's bytes readable.
        remove(slot, hashOf(slot));
        if (lists != null) {
            lists.removed(slot);
        }
        int st;
        do {
            st = (int) INTS.getVolatile(c.state, j);
        } while (!INTS.compareAndSet(c.state, j, st, (st & ~(LIVE | FREQ_MASK)) - 1));
        entries--;
        liveBytes -= c.size[j];
        removals[cause.ordinal()]++;
        if (cause != Cause.EXPLICIT) {
            evictedBytes += c.size[j];
        }
        if ((st & RC_MASK) == 1) {
            reclaim(slot);
        }
    }

    /** The last reference is gone: free the bytes, then the slot. Lock held. */
    private void reclaim(int slot) {
        Chunk c = chunk(slot);
        int j = slot & (CHUNK - 1);
        int st = (int) INTS.getVolatile(c.state, j);
        if ((st & (RC_MASK | LIVE)) != 0) {
            throw new IllegalStateException("slot " + slot + " reclaimed while referenced: " + Integer.toHexString(st));
        }
        allocator.free(c.handle[j], c.size[j]);
        c.handle[j] = 0;
        INTS.setRelease(c.state, j, 0);
        if (freeCount == freeSlots.length) {
            freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private int newSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        int slot = slotCount;
        int ci = slot >>> CHUNK_SHIFT;
        Chunk[] cs = chunks;
        if (ci >= cs.length) {
            cs = java.util.Arrays.copyOf(cs, cs.length * 2);
        }
        if (cs[ci] == null) {
            cs[ci] = new Chunk();
        }
        chunks = cs;
        slotCount++;
        return slot;
    }

    private Chunk chunk(int slot) {
        return chunks[slot >>> CHUNK_SHIFT];
    }

    // ---------------------------------------------------------------- the table (lock held)

    private void insert(int slot, int h) {
        int[] t = table;
        if ((entries + 1) * 4L > t.length * 3L) {
            t = rehash(t.length * 2);
        }
        int mask = t.length - 1;
        int i = h & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        INTS.setRelease(t, i, slot + 1);
    }

    private int[] rehash(int length) {
        int[] old = table;
        int[] t = new int[length];
        int mask = length - 1;
        for (int v : old) {
            if (v != 0) {
                int i = hashOf(v - 1) & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = v;
            }
        }
        table = t;
        return t;
    }

    private void remove(int slot, int h) {
        int[] t = table;
        int mask = t.length - 1;
        int i = h & mask;
        while (t[i] != slot + 1) {
            if (t[i] == 0) {
                throw new IllegalStateException("slot " + slot + " missing from the table");
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole. A concurrent
        // reader may miss an entry while it moves; a miss is only a miss.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int v = t[j];
            if (v == 0) {
                break;
            }
            int home = hashOf(v - 1) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                INTS.setRelease(t, hole, v);
                hole = j;
            }
        }
        INTS.setRelease(t, hole, 0);
    }

    // ---------------------------------------------------------------- governance

    private void onPressure(PressureLevel level) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            long current = effectiveMaximumLocked();
            long target = (long) (maximum * governance.effectiveRetainFraction(level));
            admit = governance.action(level).admit();
            if (target < current) {
                restoring = false;
                bound = target;
                trimTo(target);
            } else if (target > current) {
                restoring = true;
                restoreFrom = current;
                restoreTo = target;
                restoreStart = now;
            }
            if (!admit || target == 0) {
                allocator.releaseEmptyRegions();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Evicts until the mapped regions fit {@code limit}: whole regions, the sparsest first. */
    private void trimTo(long limit) {
        if (limit == 0) {
            evictAll(Cause.PRESSURE);
            allocator.releaseEmptyRegions();
            return;
        }
        BitSet tried = new BitSet();
        while (allocator.mappedBytes() > limit) {
            allocator.releaseEmptyRegions();
            if (allocator.mappedBytes() <= limit) {
                break;
            }
            int r = allocator.sparsestRegion(tried);
            if (r < 0) {
                break; // what is left is pinned by readers; it goes when they let go
            }
            tried.set(r);
            evictRegion(r, Cause.PRESSURE);
        }
        allocator.releaseEmptyRegions();
    }

    private long effectiveMaximumLocked() {
        if (restoring) {
            long interval = governance.restoreInterval().toNanos();
            long elapsed = nanoClock.getAsLong() - restoreStart;
            long steps = 1 + (interval == 0 ? Long.MAX_VALUE / 4 : Math.max(0, elapsed) / interval);
            long stepBytes = (long) Math.ceil(maximum * governance.restoreStep());
            long climbed = Math.min(restoreTo, restoreFrom + (long) Math.min((double) steps * stepBytes, Long.MAX_VALUE / 2));
            if (climbed >= restoreTo) {
                restoring = false;
                bound = restoreTo;
                return bound;
            }
            return climbed;
        }
        return bound;
    }

    // ---------------------------------------------------------------- figures

    OffHeapPolicy policy() {
        return policy;
    }

    /** W-TinyLFU's window budget in bytes now (hill-climbed); -1 for the CLOCK policies. For tests. */
    long windowMaximum() {
        lock.lock();
        try {
            return lists == null ? -1 : lists.windowMaximum();
        } finally {
            lock.unlock();
        }
    }

    /** Checks W-TinyLFU's lists against the entries (after applying buffered hits); for tests. */
    void checkPolicyInvariants() {
        lock.lock();
        try {
            if (lists != null) {
                lists.drain();
                lists.checkInvariants(entries);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The configured maximum, bytes of mapped regions. */
    long maximum() {
        return maximum;
    }

    /** The bound in force now, trims and restore steps included. */
    long effectiveMaximum() {
        lock.lock();
        try {
            return effectiveMaximumLocked();
        } finally {
            lock.unlock();
        }
    }

    boolean admitting() {
        return admit;
    }

    int entries() {
        return entries;
    }

    /** Keys plus payloads of the live entries. */
    long liveBytes() {
        return liveBytes;
    }

    /** Native memory mapped for the cache: what it costs the process, and what the governor is told. */
    long mappedBytes() {
        return allocator.mappedBytes();
    }

    BlockAllocator allocator() {
        return allocator;
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    long puts() {
        return puts;
    }

    long rejected() {
        return rejected.sum();
    }

    long removals(Cause cause) {
        lock.lock();
        try {
            return removals[cause.ordinal()];
        } finally {
            lock.unlock();
        }
    }

    long evictedBytes() {
        return evictedBytes;
    }

    /**
     * References readers hold now (a lease, a view in progress, a socket write from cached bytes):
     * each slot's count less the cache's own reference. Zero when no reader holds anything.
     */
    long pins() {
        lock.lock();
        try {
            long pins = 0;
            for (int slot = 0; slot < slotCount; slot++) {
                int st = (int) INTS.getVolatile(chunk(slot).state, slot & (CHUNK - 1));
                pins += (st & RC_MASK) - ((st & LIVE) != 0 ? 1 : 0);
            }
            return pins;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Bytes of bookkeeping, heap and native, beyond payloads and keys: slot chunks, the table, the
     * free-slot stack and the allocator's region maps (allocation rounding not included; it is the
     * fragmentation figure).
     */
    long metadataBytes() {
        lock.lock();
        try {
            long bytes = 16 + 4L * chunks.length + 16 + 4L * table.length + 16 + 4L * freeSlots.length;
            for (Chunk c : chunks) {
                if (c != null) {
                    bytes += 16 + 3 * 16 + (8L + 4 + 4) * CHUNK;
                }
            }
            return bytes + allocator.metadataBytes() + (lists == null ? 0 : lists.bytes());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        registrations.forEach(MemoryGovernor.Registration::close);
        lock.lock();
        try {
            evictAll(Cause.EXPLICIT);
            allocator.close();
        } finally {
            lock.unlock();
        }
    }

    private static byte[] keyBytes(Multihash key) {
        return key.toBytes();
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x45d9f3b;
    }
}
