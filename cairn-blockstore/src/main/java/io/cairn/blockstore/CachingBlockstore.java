package io.cairn.blockstore;

import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;
import io.cairn.cache.GovernanceConfig;
import io.cairn.cache.Weigher;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.memory.MemoryGovernor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts three caches in front of a store, after boxo's {@code CachedBlockstore}:
 * <ul>
 *   <li>a <b>content cache</b> of block bytes held in native memory ({@link OffHeapBlockCache}),
 *       bounded in bytes of native memory mapped, whatever the heap's size;</li>
 *   <li>a <b>has/size cache</b> remembering, per multihash, "absent" or the block's size, so repeated
 *       {@code has}/{@code getSize} calls and lookups of missing blocks do not reach the store;</li>
 *   <li>an optional <b>Bloom filter</b> of every stored key, built in the background at start, that
 *       answers "definitely absent" for blocks that were never stored.</li>
 * </ul>
 * Until the Bloom filter is {@link BloomStatus#READY} lookups fall through to the caches and the
 * store: answers are always correct, only unaccelerated.
 *
 * <p><b>Consistency.</b> Caches are filled only by lookups, and answers are linearizable with the
 * store's own (checked by {@code ConcurrentBlockstoreModelTest} against a sequential model). Each key
 * belongs to one of {@value #EPOCH_STRIPES} stripes with an epoch and a count of writes in progress.
 * A {@code put}/{@code delete} marks its write in progress and moves the epoch before changing the
 * store, then drops the key's has/size entry (a delete also its cached bytes), and moves the epoch
 * again when done. A lookup reads the epoch before asking the store and records its answer (or
 * caches the bytes) only if the epoch has not moved and no write is in progress, checked and inserted
 * under the stripe's lock that writers take to move the epoch. So no cache holds, even briefly, an
 * answer that contradicts the store: not during a write, and not after it is acknowledged. (Recording
 * first and removing the entry again on a failed re-check, as before, let other readers see it in
 * between: "present" after an acknowledged delete.)
 *
 * <p>When built with a {@link MemoryGovernor} the caches obey it (see {@code GovernanceConfig}):
 * trimmed at MEDIUM, not admitting at HIGH, emptied at CRITICAL.
 *
 * <p>A content hit answers from the content cache alone: the has/size cache is neither read nor
 * rewritten. {@link #get} copies a cached block onto the heap (the block outlives the call);
 * {@link #view} lends the cached bytes themselves, a read-only direct buffer over native memory,
 * pinned for the duration of the call.
 */
public final class CachingBlockstore extends ForwardingBlockstore {
    private static final Logger LOG = LoggerFactory.getLogger(CachingBlockstore.class);
    private static final int EPOCH_STRIPES = 256;
    private static final int ABSENT = -1;
    private static final int PRESENT_SIZE_UNKNOWN = -2;

    /** Progress of the background Bloom filter build. */
    public enum BloomStatus { DISABLED, BUILDING, READY, FAILED }

    private final Options options;
    private final OffHeapBlockCache content;
    private final Cache<Multihash, Integer> metadata;
    private final BloomFilter bloom;
    private final AtomicLongArray epochs = new AtomicLongArray(EPOCH_STRIPES);
    /** Per stripe: writes (put, delete) in progress; while one is, no lookup records or caches anything. */
    private final AtomicIntegerArray writers = new AtomicIntegerArray(EPOCH_STRIPES);
    /** Per stripe: a lookup's answer is recorded or cached, and a write's epoch moved, under this lock. */
    private final ReentrantLock[] stripeLocks = new ReentrantLock[EPOCH_STRIPES];
    private volatile BloomStatus bloomStatus;
    private volatile boolean closed;
    private final Thread bloomBuilder;
    /** Loads in progress, by key: concurrent misses of one key wait for one load (see {@link #load}). */
    private final ConcurrentHashMap<Multihash, Flight> flights = new ConcurrentHashMap<>();
    private final LongAdder coalescedLoads = new LongAdder();

    private CachingBlockstore(Blockstore delegate, Options options, MemoryGovernor governor, GovernanceConfig governance,
                              LongSupplier nanoClock) {
        super(delegate);
        this.options = Objects.requireNonNull(options, "options");
        for (int i = 0; i < EPOCH_STRIPES; i++) {
            stripeLocks[i] = new ReentrantLock();
        }
        this.content = options.contentCacheBytes() > 0
                ? new OffHeapBlockCache(options.contentCacheBytes(), OffHeapPolicy.of(options.contentPolicy()), governor,
                        governance, nanoClock)
                : null;
        this.metadata = options.metadataCacheEntries() > 0
                ? build(CacheBuilder.<Multihash, Integer>newBuilder()
                        .maximumWeight(options.metadataCacheEntries())
                        .weigher(Weigher.singleton())
                        .evictionPolicy(EvictionPolicy.ARC), "has", governor, governance)
                : null;
        if (options.bloomExpectedKeys() > 0) {
            this.bloom = new BloomFilter(options.bloomExpectedKeys(), options.bloomFalsePositiveRate());
            this.bloomStatus = BloomStatus.BUILDING;
            this.bloomBuilder = Thread.ofPlatform().daemon().name("cairn-bloom-build").start(this::buildBloom);
        } else {
            this.bloom = null;
            this.bloomStatus = BloomStatus.DISABLED;
            this.bloomBuilder = null;
        }
    }

    private static <V> Cache<Multihash, V> build(CacheBuilder<Multihash, V> builder, String name,
                                                 MemoryGovernor governor, GovernanceConfig governance) {
        builder.name(name).recordStats();
        if (governor != null) {
            builder.governedBy(governor, governance);
        }
        return builder.build();
    }

    /** Caches in front of {@code delegate} that do not follow any governor. */
    public static CachingBlockstore wrap(Blockstore delegate, Options options) {
        return new CachingBlockstore(delegate, options, null, null, System::nanoTime);
    }

    /** Caches in front of {@code delegate} that shrink and stop admitting as {@code governor} says. */
    public static CachingBlockstore wrap(Blockstore delegate, Options options, MemoryGovernor governor,
                                         GovernanceConfig governance) {
        return wrap(delegate, options, governor, governance, System::nanoTime);
    }

    /** As {@link #wrap(Blockstore, Options, MemoryGovernor, GovernanceConfig)}, timing restore steps by {@code nanoClock}. */
    public static CachingBlockstore wrap(Blockstore delegate, Options options, MemoryGovernor governor,
                                         GovernanceConfig governance, LongSupplier nanoClock) {
        return new CachingBlockstore(delegate, options, Objects.requireNonNull(governor, "governor"),
                Objects.requireNonNull(governance, "governance"), Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    @Override
    public boolean has(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        if (definitelyAbsent(mh)) {
            return false;
        }
        Integer known = metadata == null ? null : metadata.getIfPresent(mh);
        if (known != null) {
            return known != ABSENT;
        }
        long epoch = epoch(mh);
        boolean present = delegate().has(cid);
        remember(mh, present ? PRESENT_SIZE_UNKNOWN : ABSENT, epoch);
        return present;
    }

    @Override
    public int getSize(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        if (definitelyAbsent(mh)) {
            throw new BlockNotFoundException(cid);
        }
        Integer known = metadata == null ? null : metadata.getIfPresent(mh);
        if (known != null && known >= 0) {
            return known;
        }
        if (known != null && known == ABSENT) {
            throw new BlockNotFoundException(cid);
        }
        long epoch = epoch(mh);
        try {
            int size = delegate().getSize(cid);
            remember(mh, size, epoch);
            return size;
        } catch (BlockNotFoundException e) {
            remember(mh, ABSENT, epoch);
            throw e;
        }
    }

    @Override
    public Block get(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        Block hit = cachedCopy(cid, mh, true);
        return hit != null ? hit : load(cid, mh);
    }

    /** A heap copy of the cached block, or null if it is not cached; {@code counted}: as a hit or a miss. */
    private Block cachedCopy(Cid cid, Multihash mh, boolean counted) {
        if (content == null) {
            return null;
        }
        try (OffHeapBlockCache.Lease lease = counted ? content.acquire(mh) : content.lend(mh)) {
            if (lease == null) {
                return null;
            }
            ByteBuffer cached = lease.buffer();
            byte[] copy = new byte[cached.remaining()];
            cached.get(cached.position(), copy);
            return Block.of(cid, copy);
        }
    }

    /**
     * A content miss: ask the store (unless known absent), cache what it returns, remember its size.
     * One load per key at a time: a miss while another load of the key is in flight waits for it
     * and answers from it, if no write to the key's stripe began or was in progress since that load
     * began (see {@link #flightFor}); otherwise it loads on its own.
     */
    private Block load(Cid cid, Multihash mh) {
        if (definitelyAbsent(mh) || knownAbsent(mh)) {
            throw new BlockNotFoundException(cid);
        }
        long epoch = epoch(mh);
        Flight mine = new Flight(epoch, writers.get(stripe(mh)) == 0);
        Flight flight = flightFor(mh, mine);
        if (flight == null) {
            return loadAlone(cid, mh, epoch);
        }
        if (flight != mine) {
            Block got = await(flight, cid);
            Block hit = cachedCopy(cid, mh, false);
            if (hit != null) {
                return hit;
            }
            return got != null ? got.withCid(cid) : loadAlone(cid, mh, epoch(mh));
        }
        try {
            Block block = loadAlone(cid, mh, epoch);
            mine.done.complete(block);
            return block;
        } catch (RuntimeException | Error e) {
            mine.done.completeExceptionally(e);
            throw e;
        } finally {
            flights.remove(mh, mine);
        }
    }

    private Block loadAlone(Cid cid, Multihash mh, long epoch) {
        try {
            Block block = delegate().get(cid);
            if (content != null) {
                cache(mh, epoch, ByteBuffer.wrap(block.bytes()));
            }
            remember(mh, block.size(), epoch);
            return block;
        } catch (BlockNotFoundException e) {
            remember(mh, ABSENT, epoch);
            throw e;
        }
    }

    /**
     * A load of one key in progress. {@code epoch} is the stripe's epoch when it began and
     * {@code clean} whether no write was in progress then; {@code done} is completed with the block
     * read (heap), or null when the load only filled the content cache (a view), or the failure.
     */
    private static final class Flight {
        final long epoch;
        final boolean clean;
        final CompletableFuture<Block> done = new CompletableFuture<>();

        Flight(long epoch, boolean clean) {
            this.epoch = epoch;
            this.clean = clean;
        }
    }

    /**
     * Registers {@code mine} as the load of {@code mh}, or returns the load already in flight if its
     * answer is good for a read that began with {@code mine}: it began with no write in progress and
     * no write has begun or ended on the stripe since (same epoch), none is in progress now. Then
     * whatever it read was the store's state when this read began, or later. Returns null when a
     * load is in flight but began before a write this read must see: load alone.
     */
    private Flight flightFor(Multihash mh, Flight mine) {
        Flight f = flights.putIfAbsent(mh, mine);
        if (f == null) {
            return mine;
        }
        if (f.clean && mine.clean && f.epoch == mine.epoch && writers.get(stripe(mh)) == 0) {
            coalescedLoads.increment();
            return f;
        }
        return null;
    }

    /** The block another load read (null if it only cached), or its failure, rethrown for {@code cid}. */
    private static Block await(Flight flight, Cid cid) {
        try {
            return flight.done.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof BlockNotFoundException) {
                throw new BlockNotFoundException(cid);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * A cached block is lent from native memory, pinned until {@code reader} returns, so eviction
     * and trims cannot free it under a socket write. A block not cached is read once, straight into
     * the cache's allocation where the store takes it ({@link ViewTarget}: flatfs does), else from
     * the store's own view and copied in; concurrent misses of the key wait for that one load and
     * are then lent the cached bytes.
     */
    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        checkOpen();
        Multihash mh = cid.multihash();
        if (content != null) {
            try (OffHeapBlockCache.Lease lease = content.acquire(mh)) {
                if (lease != null) {
                    return reader.apply(lease.buffer());
                }
            }
        }
        if (definitelyAbsent(mh) || knownAbsent(mh)) {
            throw new BlockNotFoundException(cid);
        }
        if (content == null) {
            return super.view(cid, reader);
        }
        long epoch = epoch(mh);
        Flight mine = new Flight(epoch, writers.get(stripe(mh)) == 0);
        Flight flight = flightFor(mh, mine);
        if (flight != null && flight != mine) {
            Block got = await(flight, cid);
            try (OffHeapBlockCache.Lease lease = content.lend(mh)) {
                if (lease != null) {
                    return reader.apply(lease.buffer());
                }
            }
            if (got != null) {
                return reader.apply(got.data());
            }
            return viewAlone(cid, mh, epoch(mh), reader, null);
        }
        return viewAlone(cid, mh, epoch, reader, flight);
    }

    /**
     * Reads through the store's view, caching the bytes; a {@code flight} led is done once they are
     * cached. The store is offered the cache's own allocation to read into ({@link ViewTarget}); if it
     * takes it (flatfs does), the bytes are published as they are, with no copy, else copied in.
     */
    private <T> T viewAlone(Cid cid, Multihash mh, long epoch, Function<ByteBuffer, T> reader, Flight flight) {
        MissReader<T> miss = new MissReader<>(mh, epoch, reader, flight);
        try {
            // From the delegate itself: ForwardingBlockstore.view falls back to this.get for a store
            // that is no Viewer, which would wait on this very load's flight.
            return delegate() instanceof Viewer v ? v.view(cid, miss) : miss.apply(delegate().get(cid).data());
        } catch (RuntimeException | Error e) {
            if (e instanceof BlockNotFoundException) {
                // e.g. found corrupt below and quarantined: a size learnt earlier must not outlive it
                remember(mh, ABSENT, epoch);
            }
            if (flight != null) {
                flights.remove(mh, flight);
                flight.done.completeExceptionally(e); // nothing if the bytes were cached already
            }
            throw e;
        } finally {
            miss.close();
            if (flight != null && !flight.done.isDone()) {
                // the view returned without lending the bytes: waiters look for themselves
                flights.remove(mh, flight);
                flight.done.complete(null);
            }
        }
    }

    /** The reader of a content miss: offers the cache's allocation as the store's target, then caches what was read. */
    private final class MissReader<T> implements Function<ByteBuffer, T>, ViewTarget, AutoCloseable {
        private final Multihash mh;
        private final long epoch;
        private final Function<ByteBuffer, T> reader;
        private final Flight flight;
        private OffHeapBlockCache.Reservation reservation;
        private MemorySegment reserved;

        MissReader(Multihash mh, long epoch, Function<ByteBuffer, T> reader, Flight flight) {
            this.mh = mh;
            this.epoch = epoch;
            this.reader = reader;
            this.flight = flight;
        }

        @Override
        public MemorySegment target(int size) {
            if (reservation != null || !current(mh, epoch)) {
                return null; // a write to the stripe since the epoch: this read will not be cached
            }
            reservation = content.reserve(mh, size);
            reserved = reservation == null ? null : reservation.payload();
            return reserved;
        }

        @Override
        public T apply(ByteBuffer buffer) {
            if (reserved != null && buffer.isDirect() && MemorySegment.ofBuffer(buffer).address() == reserved.address()
                    && buffer.remaining() == reserved.byteSize()) {
                // Read into the cache's memory and checked by the layers below: publish it as it is.
                // Pinned, since the reader still uses these bytes after other threads can see them.
                try (OffHeapBlockCache.Lease lease = publish()) {
                    flightDone();
                    return reader.apply(buffer);
                }
            }
            cache(mh, epoch, buffer.duplicate());
            flightDone();
            return reader.apply(buffer);
        }

        private OffHeapBlockCache.Lease publish() {
            ReentrantLock l = stripeLocks[stripe(mh)];
            l.lock();
            try {
                return current(mh, epoch) ? reservation.publishPinned() : null;
            } finally {
                l.unlock();
            }
        }

        private void flightDone() {
            if (flight != null) {
                // Waiters need the cached bytes, not this reader's use of them (a socket write).
                flights.remove(mh, flight);
                flight.done.complete(null);
            }
        }

        /** Frees the reservation unless it was published (after the reader is done with its bytes). */
        @Override
        public void close() {
            if (reservation != null) {
                reservation.close();
            }
        }
    }

    private boolean current(Multihash mh, long epoch) {
        return epoch(mh) == epoch && writers.get(stripe(mh)) == 0;
    }

    /**
     * Forgets what the caches know of this CID's block, as a write would, without changing the
     * store: for a block removed below this layer (quarantined by a repository check).
     */
    public void invalidate(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        beginWrite(mh, true);
        endWrite(mh, true);
    }

    /**
     * Forgets everything the caches hold (content and has/size answers), without changing the store:
     * for when deletes below this layer may have gone unannounced. Returns how many entries were dropped.
     */
    public long invalidateAll() {
        checkOpen();
        long dropped = 0;
        if (content != null) {
            dropped += content.entries();
            content.clear();
        }
        if (metadata != null) {
            dropped += metadata.estimatedSize();
            metadata.invalidateAll();
        }
        return dropped;
    }

    /**
     * The block's bytes for an explicit lifetime: a cached block lent from native memory and
     * pinned until the returned lease is closed (eviction and trims wait for it); otherwise read
     * from the store (and cached, as {@link #get} would). Close it, with try-with-resources.
     *
     * @throws BlockNotFoundException if it is not stored
     */
    public BlockBytes open(Cid cid) {
        checkOpen();
        if (content == null) {
            return load(cid, cid.multihash()).open();
        }
        Multihash mh = cid.multihash();
        // A hit is lent at once; a miss goes through view (one load per key, no heap copy of a large
        // block) and is then lent from the cache, or copied if the cache did not take it.
        return view(cid, buffer -> {
            OffHeapBlockCache.Lease lease = content.lend(mh);
            if (lease != null) {
                return new BlockBytes(lease.buffer(), lease);
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(buffer.position(), copy);
            return new BlockBytes(ByteBuffer.wrap(copy), null);
        });
    }

    /**
     * A block the content cache holds, lent from native memory and pinned until the returned lease is
     * closed, counted as a hit; {@code null} when the cache does not hold it (no miss counted: the
     * caller's fallback read counts it). Never touches the store,
     * so it never blocks on I/O (the gateway answers hot reads on its I/O thread with it).
     */
    public BlockBytes openIfCached(Cid cid) {
        checkOpen();
        if (content == null) {
            return null;
        }
        OffHeapBlockCache.Lease lease = content.acquireIfPresent(cid.multihash());
        return lease == null ? null : new BlockBytes(lease.buffer(), lease);
    }

    /**
     * Copies a block just read into the content cache, unless a write to its stripe began since
     * {@code epoch} was read or is in progress: checked and inserted as one step under the stripe's
     * lock (see {@link #remember}), so the cache never holds, even briefly, bytes of a block whose
     * delete has been acknowledged.
     */
    private void cache(Multihash mh, long epoch, ByteBuffer... bytes) {
        ReentrantLock l = stripeLocks[stripe(mh)];
        l.lock();
        try {
            if (current(mh, epoch)) {
                content.put(mh, bytes);
            }
        } finally {
            l.unlock();
        }
    }

    /** A block just written, into the content cache: segment by segment for a native block, no heap copy. */
    private void cacheWritten(Block block) {
        Multihash mh = block.cid().multihash();
        try (BlockBytes bytes = block.open()) {
            cache(mh, epoch(mh), bytes.buffers());
        }
    }

    @Override
    public void put(Block block) {
        checkOpen();
        Multihash mh = block.cid().multihash();
        // Into the filter before the store: a put that fails leaves a harmless false positive, while
        // the opposite order would let a reader see "definitely absent" for an acknowledged block.
        if (bloom != null) {
            bloom.add(mh);
        }
        beginWrite(mh, false);
        try {
            delegate().put(block);
        } finally {
            endWrite(mh, false);
        }
        if (options.cacheOnPut() && content != null) {
            cacheWritten(block);
        }
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        checkOpen();
        if (bloom != null) {
            for (Block b : blocks) {
                bloom.add(b.cid().multihash());
            }
        }
        for (Block b : blocks) {
            beginWrite(b.cid().multihash(), false);
        }
        try {
            delegate().putMany(blocks);
        } finally {
            for (Block b : blocks) {
                endWrite(b.cid().multihash(), false);
            }
        }
        if (options.cacheOnPut() && content != null) {
            for (Block b : blocks) {
                cacheWritten(b);
            }
        }
    }

    @Override
    public boolean delete(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        beginWrite(mh, true);
        try {
            return delegate().delete(cid);
        } finally {
            endWrite(mh, true);
        }
    }

    @Override
    public Stream<Cid> allKeys() {
        checkOpen();
        return delegate().allKeys();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bloomBuilder != null) {
            bloomBuilder.interrupt();
        }
        if (content != null) {
            content.close();
        }
        if (metadata != null) {
            metadata.close();
        }
        super.close();
    }

    /** A snapshot of the content cache (all zero when it is disabled). */
    public ContentCacheStats contentCacheStats() {
        return content == null ? ContentCacheStats.disabled() : ContentCacheStats.of(content);
    }

    /** Whether the content cache holds the block with this CID's multihash (neither a hit nor a miss). */
    public boolean contentCached(Cid cid) {
        return content != null && content.contains(cid.multihash());
    }

    /** References readers hold on content-cache entries now (leases, views, socket writes); 0 when none. */
    public long contentPins() {
        return content == null ? 0 : content.pins();
    }

    /** Entries of the has/size cache, after its pending maintenance (0 when disabled). */
    public long metadataCacheEntries() {
        if (metadata == null) {
            return 0;
        }
        metadata.cleanUp();
        return metadata.estimatedSize();
    }

    /** Runs both caches' maintenance now: pending evictions, and the content bound in force. */
    public void cleanUp() {
        if (content != null) {
            content.cleanUp();
        }
        if (metadata != null) {
            metadata.cleanUp();
        }
    }

    /** Misses that waited for another thread's load of the same key instead of asking the store. */
    public long coalescedLoads() {
        return coalescedLoads.sum();
    }

    public BloomStatus bloomStatus() {
        return bloomStatus;
    }

    /** Heap held by the Bloom filter, 0 when disabled. */
    public long bloomSizeBytes() {
        return bloom == null ? 0 : bloom.sizeInBytes();
    }

    /** Native memory mapped by the content cache: what it costs the process, and what the governor counts. */
    public long cachedBytes() {
        return content == null ? 0 : content.mappedBytes();
    }

    /** The has/size cache, for the metrics binder in this package; null when disabled. */
    Cache<Multihash, Integer> metadataCacheForMetrics() {
        return metadata;
    }

    /** The content cache, for the metrics binder and tests in this package; null when disabled. */
    OffHeapBlockCache contentCacheForMetrics() {
        return content;
    }

    public Options options() {
        return options;
    }

    /** The caches refuse work once closed; callers must see the store's own error, not theirs. */
    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("caching block store over " + delegate());
        }
    }

    private boolean definitelyAbsent(Multihash mh) {
        return bloomStatus == BloomStatus.READY && !bloom.mightContain(mh);
    }

    private boolean knownAbsent(Multihash mh) {
        if (metadata == null) {
            return false;
        }
        Integer known = metadata.getIfPresent(mh);
        return known != null && known == ABSENT;
    }

    private long epoch(Multihash mh) {
        return epochs.get(stripe(mh));
    }

    private static int stripe(Multihash mh) {
        return (mh.hashCode() & 0x7fffffff) % EPOCH_STRIPES;
    }

    /**
     * Before the store changes for {@code mh}: mark a write in progress and move the epoch (under the
     * stripe's lock, so nothing is recorded or cached for the stripe until {@link #endWrite}), then
     * drop what the caches knew. Entries made before this are still true until the store changes,
     * which happens after they are gone.
     */
    private void beginWrite(Multihash mh, boolean removes) {
        int s = stripe(mh);
        ReentrantLock l = stripeLocks[s];
        l.lock();
        try {
            writers.incrementAndGet(s);
            epochs.incrementAndGet(s);
        } finally {
            l.unlock();
        }
        if (metadata != null) {
            metadata.invalidate(mh);
        }
        if (removes && content != null) {
            content.invalidate(mh);
        }
    }

    /** After the store changed (or failed to): lookups may record again, but none that began during the write. */
    private void endWrite(Multihash mh, boolean removes) {
        int s = stripe(mh);
        ReentrantLock l = stripeLocks[s];
        l.lock();
        try {
            writers.decrementAndGet(s);
            epochs.incrementAndGet(s);
        } finally {
            l.unlock();
        }
        if (removes && content != null) {
            content.invalidate(mh);
        }
    }

    /**
     * Records a lookup's answer unless a write to the same stripe began since {@code epoch} was read
     * or is in progress; the check and the insertion are one step under the stripe's lock.
     */
    private void remember(Multihash mh, int sizeOrMarker, long epoch) {
        if (metadata == null) {
            return;
        }
        Integer known = metadata.getIfPresent(mh);
        if (known != null && known == sizeOrMarker) {
            return; // already known: rewriting it would only churn the cache (REPLACED removals)
        }
        ReentrantLock l = stripeLocks[stripe(mh)];
        l.lock();
        try {
            if (epoch(mh) == epoch && writers.get(stripe(mh)) == 0) {
                metadata.put(mh, sizeOrMarker);
            }
        } finally {
            l.unlock();
        }
    }

    private void buildBloom() {
        long added = 0;
        try (Stream<Cid> keys = delegate().allKeys()) {
            var it = keys.iterator();
            while (it.hasNext()) {
                if (Thread.currentThread().isInterrupted()) {
                    bloomStatus = BloomStatus.FAILED;
                    return;
                }
                bloom.add(it.next().multihash());
                added++;
            }
            bloomStatus = BloomStatus.READY;
            LOG.debug("bloom filter ready: {} keys, {} bytes", added, bloom.sizeInBytes());
        } catch (RuntimeException e) {
            bloomStatus = BloomStatus.FAILED;
            LOG.warn("bloom filter build failed after {} keys; lookups continue without it: {}", added, e.toString());
        }
    }

    /**
     * Cache settings. Memory costs are heap bytes measured by {@code ./cairn bench memory} (64-bit JVM,
     * compressed oops; docs/BENCHMARKS.md).
     *
     * @param contentCacheBytes      bytes of native memory the content cache may map (blocks, their
     *                               keys and page rounding); may exceed the heap; 0 disables it
     * @param contentPolicy          the content cache's replacement policy: lru (CLOCK), lfu (frequency
     *                               CLOCK) or wtinylfu (W-TinyLFU with a hill-climbed window; the
     *                               default); arc and adaptive are refused (see {@link OffHeapPolicy})
     * @param metadataCacheEntries   entries of the has/size cache, about 139 bytes each plus the
     *                               multihash key when no caller still holds it; 0 disables it
     * @param bloomExpectedKeys      keys the Bloom filter is sized for, about 1.2 bytes each at 1 %;
     *                               0 disables the filter
     * @param bloomFalsePositiveRate the filter's target false-positive rate at {@code bloomExpectedKeys}
     * @param cacheOnPut             whether written blocks enter the content cache (off by default:
     *                               in a block store writes rarely predict reads)
     */
    public record Options(long contentCacheBytes, EvictionPolicy contentPolicy, long metadataCacheEntries,
                          long bloomExpectedKeys, double bloomFalsePositiveRate, boolean cacheOnPut) {

        public Options {
            Objects.requireNonNull(contentPolicy, "contentPolicy");
            if (contentCacheBytes > 0) {
                OffHeapPolicy.of(contentPolicy); // refuses a policy the off-heap cache cannot honour
            }
            if (contentCacheBytes < 0) {
                throw new IllegalArgumentException("contentCacheBytes must be >= 0, got " + contentCacheBytes);
            }
            if (metadataCacheEntries < 0) {
                throw new IllegalArgumentException("metadataCacheEntries must be >= 0, got " + metadataCacheEntries);
            }
            if (bloomExpectedKeys < 0) {
                throw new IllegalArgumentException("bloomExpectedKeys must be >= 0, got " + bloomExpectedKeys);
            }
            if (bloomExpectedKeys > 0 && !(bloomFalsePositiveRate > 0 && bloomFalsePositiveRate < 1)) {
                throw new IllegalArgumentException("bloomFalsePositiveRate must be in (0, 1), got " + bloomFalsePositiveRate);
            }
        }

        /** 64 MiB of content (W-TinyLFU), 65,536 has/size entries, no Bloom filter, no caching on put. */
        public static Options defaults() {
            return new Options(64L << 20, EvictionPolicy.W_TINY_LFU, 65_536, 0, 0.01, false);
        }

        public Options withContentCacheBytes(long bytes) {
            return new Options(bytes, contentPolicy, metadataCacheEntries, bloomExpectedKeys, bloomFalsePositiveRate, cacheOnPut);
        }

        public Options withContentPolicy(EvictionPolicy policy) {
            return new Options(contentCacheBytes, policy, metadataCacheEntries, bloomExpectedKeys, bloomFalsePositiveRate, cacheOnPut);
        }

        public Options withMetadataCacheEntries(long entries) {
            return new Options(contentCacheBytes, contentPolicy, entries, bloomExpectedKeys, bloomFalsePositiveRate, cacheOnPut);
        }

        public Options withBloom(long expectedKeys, double falsePositiveRate) {
            return new Options(contentCacheBytes, contentPolicy, metadataCacheEntries, expectedKeys, falsePositiveRate, cacheOnPut);
        }

        public Options withCacheOnPut(boolean cache) {
            return new Options(contentCacheBytes, contentPolicy, metadataCacheEntries, bloomExpectedKeys, bloomFalsePositiveRate, cache);
        }
    }
}
