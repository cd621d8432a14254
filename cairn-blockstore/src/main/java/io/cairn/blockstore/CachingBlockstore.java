package io.cairn.blockstore;

import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;
import io.cairn.cache.GovernanceConfig;
import io.cairn.cache.Weigher;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.memory.MemoryGovernor;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts three caches in front of a store, after boxo's {@code CachedBlockstore}:
 * <ul>
 *   <li>a <b>content cache</b> of block bytes, bounded in bytes (payload plus per-entry overhead);</li>
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
 * store, then drops the key's has/size entry (a delete also its bytes), and moves the epoch again
 * when done. A lookup reads the epoch before asking the store and records the answer only if the
 * epoch has not moved and no write is in progress, both checked under the stripe's lock that writers
 * take to move the epoch. Cached bytes are served only when no write of the stripe ran during the
 * look-up. So no cached answer contradicts the store, during a write or after it is acknowledged.
 *
 * <p>When built with a {@link MemoryGovernor} the caches obey it (see {@code GovernanceConfig}):
 * trimmed at MEDIUM, not admitting at HIGH, emptied at CRITICAL.
 */
public final class CachingBlockstore extends ForwardingBlockstore {
    private static final Logger LOG = LoggerFactory.getLogger(CachingBlockstore.class);
    private static final int EPOCH_STRIPES = 256;
    private static final int ABSENT = -1;
    private static final int PRESENT_SIZE_UNKNOWN = -2;

    /** Progress of the background Bloom filter build. */
    public enum BloomStatus { DISABLED, BUILDING, READY, FAILED }

    private final Options options;
    private final Cache<Multihash, byte[]> content;
    private final Cache<Multihash, Integer> metadata;
    private final BloomFilter bloom;
    private final AtomicLongArray epochs = new AtomicLongArray(EPOCH_STRIPES);
    /** Per stripe: writes (put, delete) in progress; while one is, nothing is recorded or served from cache. */
    private final AtomicIntegerArray writers = new AtomicIntegerArray(EPOCH_STRIPES);
    /** Per stripe: content loads this layer has running (so a reader can tell whether it may have joined one). */
    private final AtomicIntegerArray loadsInFlight = new AtomicIntegerArray(EPOCH_STRIPES);
    /** Per stripe: a lookup's answer is recorded, and a write's epoch bumped, under this lock. */
    private final ReentrantLock[] stripeLocks = new ReentrantLock[EPOCH_STRIPES];
    private volatile BloomStatus bloomStatus;
    private volatile boolean closed;
    private final Thread bloomBuilder;

    private CachingBlockstore(Blockstore delegate, Options options, MemoryGovernor governor, GovernanceConfig governance) {
        super(delegate);
        this.options = Objects.requireNonNull(options, "options");
        for (int i = 0; i < EPOCH_STRIPES; i++) {
            stripeLocks[i] = new ReentrantLock();
        }
        this.content = options.contentCacheBytes() > 0
                ? build(CacheBuilder.<Multihash, byte[]>newBuilder()
                        .maximumWeight(options.contentCacheBytes())
                        .weigher(Weigher.<Multihash, byte[]>bytesWithOverhead(data -> data.length))
                        .evictionPolicy(options.contentPolicy()), "blocks", governor, governance)
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
        return new CachingBlockstore(delegate, options, null, null);
    }

    /** Caches in front of {@code delegate} that shrink and stop admitting as {@code governor} says. */
    public static CachingBlockstore wrap(Blockstore delegate, Options options, MemoryGovernor governor,
                                         GovernanceConfig governance) {
        return new CachingBlockstore(delegate, options, Objects.requireNonNull(governor, "governor"),
                Objects.requireNonNull(governance, "governance"));
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
        return Block.of(cid, bytes(cid));
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        checkOpen();
        Multihash mh = cid.multihash();
        byte[] cached = cachedContent(mh);
        if (cached != null) {
            return reader.apply(ByteBuffer.wrap(cached).asReadOnlyBuffer());
        }
        if (definitelyAbsent(mh) || knownAbsent(mh)) {
            throw new BlockNotFoundException(cid);
        }
        // Not cached: a zero-copy read from the store beats copying the block into the cache.
        long epoch = epoch(mh);
        try {
            return super.view(cid, reader);
        } catch (BlockNotFoundException e) {
            // e.g. found corrupt below and quarantined: a size learnt earlier must not outlive it
            remember(mh, ABSENT, epoch);
            throw e;
        }
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

    private byte[] bytes(Cid cid) {
        Multihash mh = cid.multihash();
        if (definitelyAbsent(mh) || knownAbsent(mh)) {
            throw new BlockNotFoundException(cid);
        }
        long epoch = epoch(mh);
        try {
            byte[] data;
            if (content == null) {
                data = delegate().get(cid).bytes();
            } else {
                data = readThrough(cid, mh);
                if (epoch(mh) != epoch) {
                    content.invalidate(mh);
                }
            }
            remember(mh, data.length, epoch);
            return data;
        } catch (BlockNotFoundException e) {
            remember(mh, ABSENT, epoch);
            throw e;
        }
    }

    /**
     * Concurrent misses on one block run one store read (the cache coalesces loads). An answer this
     * reader did not load itself is a cache hit or another reader's load, and is trusted only when it
     * cannot be older than this reader's start: a reader that joined a load begun before a put or
     * delete it must see got that load's answer (found by ConcurrentBlockstoreModelTest: "present"
     * after an acknowledged delete, "absent" after an acknowledged put, which the has/size cache then
     * kept). So: an answer obtained while a write of the stripe was in progress is replaced by a read
     * of the store; a failed load someone else began is retried; and a joined answer, possible only
     * when another load was already running when this reader started, is confirmed with {@code has}
     * (blocks never change, so presence is all that can be stale).
     */
    private byte[] readThrough(Cid cid, Multihash mh) {
        int s = stripe(mh);
        long epoch = epochs.get(s);
        boolean quiet = writers.get(s) == 0;
        boolean othersLoading = loadsInFlight.get(s) > 0;
        boolean[] ran = new boolean[1];
        byte[] data;
        try {
            data = content.get(mh, k -> {
                ran[0] = true;
                loadsInFlight.incrementAndGet(s);
                return delegate().get(cid).bytes();
            });
        } catch (BlockNotFoundException e) {
            if (ran[0]) {
                throw e;
            }
            return delegate().get(cid).bytes();
        } finally {
            if (ran[0]) {
                // after the cache has completed (and unregistered) the load, so no reader can join it later
                loadsInFlight.decrementAndGet(s);
            }
        }
        if (ran[0]) {
            return data;
        }
        if (!quiet || epochs.get(s) != epoch) {
            return delegate().get(cid).bytes();
        }
        if (othersLoading && !delegate().has(cid)) {
            throw new BlockNotFoundException(cid);
        }
        return data;
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
            long epoch = epoch(mh);
            content.put(mh, block.bytes());
            if (epoch(mh) != epoch) {
                content.invalidate(mh);
            }
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

    /** The content cache, or {@code null} when disabled (for metrics and tests). */
    public Cache<Multihash, byte[]> contentCache() {
        return content;
    }

    /** The has/size cache, or {@code null} when disabled. */
    public Cache<Multihash, Integer> metadataCache() {
        return metadata;
    }

    public BloomStatus bloomStatus() {
        return bloomStatus;
    }

    /** The Bloom filter, or {@code null} when disabled. */
    public BloomFilter bloomFilter() {
        return bloom;
    }

    /** Bytes held by the content cache (payload and per-entry overhead). */
    public long cachedBytes() {
        return content == null ? 0 : content.weightedSize();
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
     * Before the store changes for {@code mh}: mark a write in progress and move the epoch (under
     * the stripe's lock, so no lookup records an answer from now until {@link #endWrite}), then
     * drop what the caches knew. Entries recorded before this are still true until the store
     * changes, which happens after they are gone. A delete also drops the cached bytes.
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

    /**
     * After the store changed (or failed to): lookups may record again, but none that began during
     * the write (the epoch moves again). A delete drops the bytes once more: a load that began
     * during it may have cached what the store held before (such bytes are never served, see
     * {@link #cachedContent}, and are gone before the delete returns).
     */
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
     * Cached bytes, but only when no write of the stripe was in progress from before the look-up
     * until after it: bytes a load cached during a delete are stale, and serving them could contradict
     * a reader that already found the block gone (ConcurrentBlockstoreModelTest).
     */
    private byte[] cachedContent(Multihash mh) {
        if (content == null) {
            return null;
        }
        int s = stripe(mh);
        long epoch = epochs.get(s);
        if (writers.get(s) != 0) {
            return null;
        }
        byte[] data = content.getIfPresent(mh);
        return data != null && epochs.get(s) == epoch ? data : null;
    }

    /**
     * Records a lookup's answer unless a write to the same stripe happened since {@code epoch}. The
     * check and the insertion are one step under the stripe's lock, which a writer also takes to move
     * the epoch: recording first and removing the entry again on a failed re-check (as before) let
     * another reader see the stale answer in between, e.g. "present" after an acknowledged delete
     * (issue 11; ConcurrentBlockstoreModelTest). An answer recorded before the writer moves the epoch
     * is removed by the writer's invalidation before its write returns, so only readers concurrent
     * with that write can see it.
     */
    private void remember(Multihash mh, int sizeOrMarker, long epoch) {
        if (metadata == null) {
            return;
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
     * @param contentCacheBytes      bytes of block content cached, payload plus about 149 bytes of
     *                               overhead per block; 0 disables the content cache
     * @param contentPolicy          eviction policy of the content cache
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
