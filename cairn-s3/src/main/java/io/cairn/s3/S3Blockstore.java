package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.BlockstoreException;
import io.cairn.blockstore.GcLocker;
import io.cairn.blockstore.HashMismatchException;
import io.cairn.blockstore.StoreClosedException;
import io.cairn.blockstore.VerifyingReceiver;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Blocks in an S3 bucket (AWS S3, R2, MinIO, Ceph, s3proxy), one object per block at
 * {@code <prefix>/<shard>/<KEY>.data} (see {@link S3Layout} and docs/S3.md).
 *
 * <ul>
 *   <li><b>Writes</b> are hashed against the CID, then sent as {@code PUT} with
 *       {@code If-None-Match: *}; 412 means the block is already there, which is success. A put returns
 *       only after S3 acknowledged it.</li>
 *   <li><b>Reads</b> are checked against the CID before they are served or cached; a truncated or
 *       corrupt object is fetched once more, then logged, counted and answered as missing.</li>
 *   <li>{@code has}/{@code getSize} consult the has/size table and the disk cache before sending a
 *       {@code HEAD}; absences are remembered for at most 5 s.</li>
 *   <li>Every call goes through a circuit breaker for the endpoint; while it is open, writes and
 *       uncached reads fail at once with {@link S3UnavailableException}, and a background probe closes
 *       it when S3 answers again.</li>
 * </ul>
 */
public final class S3Blockstore implements Blockstore, Viewer, GcLocker {
    private static final Logger LOG = LoggerFactory.getLogger(S3Blockstore.class);

    private final S3Client client;
    private final boolean ownsClient;
    private final S3Settings settings;
    private final S3StoreOptions options;
    private final S3Layout layout;
    /** Bytes of objects this node created (PUT answered 200) and deleted, since it opened: for {@link S3Usage}. */
    private final java.util.concurrent.atomic.LongAdder createdBytes = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder deletedBytes = new java.util.concurrent.atomic.LongAdder();
    private final S3RequestCounter counter;
    private final S3Breaker breaker;
    private final KnownKeys known;
    private final S3DiskCache disk;
    private final S3Transfers transfers;
    private final BlockSizeLimit limit;
    private final GcLocker gcLock = GcLocker.readWrite();
    private final ScheduledExecutorService prober;
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong refetched = new AtomicLong();
    private volatile boolean closed;

    private S3Blockstore(S3Client client, boolean ownsClient, S3Settings settings, S3StoreOptions options,
                         S3RequestCounter counter) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.settings = settings;
        this.options = options;
        this.layout = new S3Layout(settings.prefix());
        this.counter = counter;
        this.breaker = new S3Breaker(settings.describe(), options);
        java.time.Clock clock = options.clock();
        this.known = new KnownKeys(options.negativeTtl(), options.knownKeys(),
                clock.equals(java.time.Clock.systemUTC()) ? System::nanoTime : () -> clock.millis() * 1_000_000L);
        this.disk = options.diskCache();
        this.transfers = new S3Transfers(options.governor());
        this.limit = options.blockSizeLimit();
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-s3-probe");
            t.setDaemon(true);
            return t;
        });
        long every = options.probeInterval().toMillis();
        prober.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the bucket with the SDK's default credentials, checks that it is usable, and opens
     * the store.
     *
     * @throws S3BucketCheckException saying what is wrong with the bucket or the way to it
     */
    public static S3Blockstore open(S3Settings settings, S3StoreOptions options) {
        S3RequestCounter counter = new S3RequestCounter();
        S3Client client = S3Clients.build(settings, counter);
        try {
            S3BucketCheck.verify(client, settings);
            return new S3Blockstore(client, true, settings, options, counter);
        } catch (RuntimeException e) {
            client.close();
            if (options.diskCache() != null) {
                options.diskCache().close();
            }
            throw e;
        }
    }

    /**
     * A store over a client the caller built (with {@code counter} among its interceptors) and keeps
     * ownership of. No bucket check.
     */
    public static S3Blockstore over(S3Client client, S3RequestCounter counter, S3Settings settings, S3StoreOptions options) {
        return new S3Blockstore(Objects.requireNonNull(client, "client"), false, settings, options,
                Objects.requireNonNull(counter, "counter"));
    }

    /** Like {@link #over} but the store closes the client. */
    public static S3Blockstore owning(S3Client client, S3RequestCounter counter, S3Settings settings, S3StoreOptions options) {
        return new S3Blockstore(Objects.requireNonNull(client, "client"), true, settings, options,
                Objects.requireNonNull(counter, "counter"));
    }

    // ---- reads ----

    @Override
    public boolean has(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        Integer k = known.lookup(mh);
        if (k != null) {
            return k >= 0;
        }
        if (disk != null && disk.size(mh) != null) {
            return true;
        }
        return head(mh) != null;
    }

    @Override
    public int getSize(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        Integer k = known.lookup(mh);
        if (k != null && k >= 0) {
            return k;
        }
        if (k != null) {
            throw new BlockNotFoundException(cid);
        }
        Integer cached = disk == null ? null : disk.size(mh);
        if (cached != null) {
            return cached;
        }
        Integer size = head(mh);
        if (size == null) {
            throw new BlockNotFoundException(cid);
        }
        return size;
    }

    /** HEAD: the size, or {@code null} when absent; remembered in the has/size table. */
    private Integer head(Multihash mh) {
        String key = layout.objectKey(mh);
        long epoch = known.epoch(mh);
        Integer size = breaker.call("HEAD", key, () -> {
            try {
                long len = client.headObject(b -> b.bucket(settings.bucket()).key(key)).contentLength();
                return (int) Math.min(len, Integer.MAX_VALUE);
            } catch (SdkServiceException e) {
                if (e.statusCode() == 404) {
                    return null;
                }
                throw e;
            }
        });
        known.learnt(mh, size, epoch);
        return size;
    }

    @Override
    public Block get(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        Integer k = known.lookup(mh);
        if (k != null && k < 0) {
            throw new BlockNotFoundException(cid);
        }
        if (disk != null) {
            byte[] local = disk.get(mh);
            if (local != null) {
                try {
                    return Block.verified(cid, local);
                } catch (HashMismatchException e) {
                    LOG.warn("disk cache copy of {} does not match its hash; dropped, reading from S3", cid);
                    disk.remove(mh);
                }
            }
        }
        long epoch = known.epoch(mh);
        Block b = fetchVerified(cid);
        if (b == CORRUPT) {
            throw new BlockNotFoundException(cid); // reported, and not remembered as absent
        }
        if (b == null) {
            known.learnt(mh, null, epoch);
            throw new BlockNotFoundException(cid);
        }
        known.learnt(mh, b.size(), epoch);
        keepLocally(mh, b.bytes(), epoch);
        return b;
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        return reader.apply(ByteBuffer.wrap(get(cid).bytes()).asReadOnlyBuffer());
    }

    /** What {@link #fetchVerified} answers for an object that came back bad twice. */
    private static final Block CORRUPT = Block.raw(new byte[0]);

    /** What one GET brought back: a verified block, or what was wrong with the answer. */
    private record Fetched(Block block, String problem, RuntimeException refusal, SdkClientException outage) {
        static final Fetched MISSING = new Fetched(null, null, null, null);

        static Fetched bad(String problem) {
            return new Fetched(null, problem, null, null);
        }
    }

    /**
     * GETs the object, checking it as it streams in; a truncated or corrupt answer is fetched once
     * more, and if the second is no better it is reported and answered as {@link #CORRUPT}: corrupt
     * bytes are never served. {@code null} when the object does not exist.
     */
    private Block fetchVerified(Cid cid) {
        Multihash mh = cid.multihash();
        String problem = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            Fetched f = fetch(cid);
            if (f == Fetched.MISSING) {
                return null;
            }
            if (f.problem == null) {
                return f.block;
            }
            problem = f.problem;
            if (attempt == 1) {
                refetched.incrementAndGet();
                LOG.info("S3 object {} came back bad ({}); fetching it once more", layout.objectKey(mh), problem);
            }
        }
        corrupt.incrementAndGet();
        LOG.error("S3 object {} of {} is corrupt or truncated twice ({}); answering as missing",
                layout.objectKey(mh), cid, problem);
        return CORRUPT;
    }

    private Fetched fetch(Cid cid) {
        String key = layout.objectKey(cid.multihash());
        Fetched f = breaker.call("GET", key, () -> {
            try {
                Fetched got = client.getObject(b -> b.bucket(settings.bucket()).key(key), (response, in) -> receive(cid, response, in));
                if (got.outage != null) {
                    throw got.outage; // S3's fault: the breaker counts it
                }
                return got;
            } catch (SdkServiceException e) {
                if (e.statusCode() == 404) {
                    return Fetched.MISSING;
                }
                throw e;
            }
        });
        if (f.refusal != null) {
            throw f.refusal; // e.g. memory pressure: not S3's fault, so not the breaker's business
        }
        return f;
    }

    /**
     * Reads exactly the declared length into one array reserved with the governor first, hashing it
     * as it streams in (no second pass over the bytes); a body that breaks off, is shorter or longer,
     * or does not match the CID is a problem to report, not an exception for the SDK to retry (the
     * caller fetches once more).
     */
    private Fetched receive(Cid cid, GetObjectResponse response, AbortableInputStream in) {
        Long declared = response.contentLength();
        if (declared == null || declared < 0 || !limit.allows(declared)) {
            in.abort();
            return Fetched.bad("declared length " + declared + " is over the block size limit " + limit.maxBytes());
        }
        int len = (int) (long) declared;
        S3Transfers.Hold hold;
        try {
            hold = transfers.download(len);
        } catch (RuntimeException e) {
            in.abort();
            return new Fetched(null, null, e, null);
        }
        try (hold) {
            VerifyingReceiver body = VerifyingReceiver.expect(cid, len);
            int n = body.readFrom(in);
            if (n < len) {
                in.abort();
                return Fetched.bad("truncated: " + n + " of " + len + " bytes");
            }
            if (in.read() != -1) {
                in.abort();
                return Fetched.bad("longer than its declared " + len + " bytes");
            }
            try {
                return new Fetched(body.finish(), null, null, null);
            } catch (HashMismatchException e) {
                return Fetched.bad("bytes do not match the CID");
            } catch (BlockstoreException e) {
                return new Fetched(null, null, e, null); // a hash function Cairn cannot compute: not S3's fault
            }
        } catch (IOException e) {
            in.abort();
            if (e instanceof java.io.InterruptedIOException || Thread.currentThread().isInterrupted()) {
                // the attempt's time ran out mid-body: S3 is slow, the object is not known to be bad
                return new Fetched(null, null, null, SdkClientException.create("reading the body timed out: " + e, e));
            }
            return Fetched.bad("body broke off: " + e);
        }
    }

    // ---- writes ----

    @Override
    public void put(Block block) {
        checkOpen();
        limit.check(block.size());
        write(block);
    }

    /** Uploads of one {@link #putMany} in flight at once. */
    private static final int PUT_MANY_PARALLELISM = 16;

    /**
     * Checks every size first, then uploads up to {@value #PUT_MANY_PARALLELISM} blocks at once (S3
     * latency, not bandwidth, bounds a sequence of small PUTs). Returns when all are acknowledged; if
     * any failed, the first failure is thrown once the others have finished (each block is then
     * entirely stored or absent, as the contract says).
     */
    @Override
    public void putMany(Collection<Block> blocks) {
        checkOpen();
        for (Block b : blocks) {
            limit.check(b.size());
        }
        if (blocks.size() <= 1) {
            blocks.forEach(this::write);
            return;
        }
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PUT_MANY_PARALLELISM);
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (var uploads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Block b : blocks) {
                if (failure.get() != null) {
                    break;
                }
                slots.acquireUninterruptibly();
                uploads.execute(() -> {
                    try {
                        write(b);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private void write(Block block) {
        write(block, true);
    }

    /**
     * Uploads {@code block} with {@code If-None-Match: *} even when this node remembers it stored
     * (412: it is there). For a writer that must make sure a block survived another node's delete.
     */
    public void rewrite(Block block) {
        checkOpen();
        write(block, false);
    }

    /** Bytes of the objects this node's PUTs created (not those already there), since it opened. */
    public long createdBytes() {
        return createdBytes.sum();
    }

    /** Bytes of the objects this node deleted, since it opened. */
    public long deletedBytes() {
        return deletedBytes.sum();
    }

    /** Whether the bucket holds {@code cid} now: one HEAD, whatever this node remembers. */
    public boolean inBucket(Cid cid) {
        checkOpen();
        String key = layout.objectKey(cid.multihash());
        return breaker.call("HEAD", key, () -> headDirect(key)) != null;
    }

    private void write(Block block, boolean trustKnown) {
        Multihash mh = block.cid().multihash();
        Integer k = known.lookup(mh);
        if (trustKnown && k != null && k >= 0) {
            return; // already stored: a cheap no-op
        }
        byte[] data = block.bytes();
        if (!block.isVerified()) {
            Block.verified(block.cid(), data); // never upload bytes that do not match their name
        } // a block made by Block.raw/verified, or read from a store that checked it, is hashed once, not twice
        String key = layout.objectKey(mh);
        long epoch = known.epoch(mh);
        try (S3Transfers.Hold h = transfers.upload(data.length)) {
            breaker.call("PUT", key, () -> {
                try {
                    // sent from the block's own array: no copy, whole (not aws-chunked), signed by the SDK
                    client.putObject(PutObjectRequest.builder().bucket(settings.bucket()).key(key).ifNoneMatch("*").build(),
                            RequestBody.fromContentProvider(ContentStreamProvider.fromByteArrayUnsafe(data), data.length,
                                    "application/octet-stream"));
                    createdBytes.add(data.length);
                } catch (SdkServiceException e) {
                    if (e.statusCode() == 412) {
                        return null; // already there
                    }
                    if (e.statusCode() == 409) {
                        // a concurrent conditional write of the same key; it holds the same bytes
                        if (headDirect(key) != null) {
                            return null;
                        }
                    }
                    throw e;
                }
                return null;
            });
        }
        long after = known.stored(mh, data.length, epoch);
        if (after >= 0) {
            keepLocally(mh, data, after);
        }
    }

    /** Copies a block into the disk cache, and takes it out again if a local write of its stripe raced. */
    private void keepLocally(Multihash mh, byte[] data, long epoch) {
        if (disk != null) {
            disk.put(mh, data);
            if (known.epoch(mh) != epoch) {
                disk.remove(mh);
            }
        }
    }

    private Long headDirect(String key) {
        try {
            return client.headObject(b -> b.bucket(settings.bucket()).key(key)).contentLength();
        } catch (SdkServiceException e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Forgets what this node remembers of {@code cid} (the has/size answer and the disk-cached copy)
     * without touching the bucket: for when another node sharing the bucket deleted it.
     */
    public void forget(Cid cid) {
        Multihash mh = cid.multihash();
        known.deleted(mh);
        if (disk != null) {
            disk.remove(mh);
        }
    }

    /**
     * Forgets everything this node remembers (has/size answers and the disk cache) without touching
     * the bucket: for when deletes by other nodes may have gone unannounced. Returns the entries dropped.
     */
    public long forgetAll() {
        long n = known.clear();
        if (disk != null) {
            n += disk.clear();
        }
        return n;
    }

    @Override
    public boolean delete(Cid cid) {
        checkOpen();
        Multihash mh = cid.multihash();
        String key = layout.objectKey(mh);
        boolean present = breaker.call("DELETE", key, () -> {
            Long size = headDirect(key);
            if (size != null) {
                client.deleteObject(b -> b.bucket(settings.bucket()).key(key));
                deletedBytes.add(size);
            }
            return size != null;
        });
        known.deleted(mh);
        if (disk != null) {
            disk.remove(mh);
        }
        return present;
    }

    @Override
    public Stream<Cid> allKeys() {
        checkOpen();
        if (breaker.state() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
            throw new S3UnavailableException("S3 at " + settings.describe() + " is unavailable (circuit breaker open); "
                    + "cannot list keys", breaker.openWait(), null);
        }
        Iterator<S3Object> objects = client.listObjectsV2Paginator(b -> b.bucket(settings.bucket())
                .prefix(layout.listPrefix())).contents().iterator();
        Iterator<Cid> cids = new Iterator<>() {
            private Cid next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    boolean more;
                    try {
                        more = objects.hasNext();
                    } catch (RuntimeException e) {
                        throw breakerless("LIST " + layout.listPrefix(), e);
                    }
                    if (!more) {
                        return false;
                    }
                    Multihash mh = layout.parse(objects.next().key());
                    if (mh != null) {
                        next = Cid.v1(Multicodec.RAW, mh);
                    }
                }
                return true;
            }

            @Override
            public Cid next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Cid c = next;
                next = null;
                return c;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cids, Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    private RuntimeException breakerless(String what, RuntimeException e) {
        if (S3Breaker.isOutage(e)) {
            return new S3UnavailableException("S3 at " + settings.describe() + " failed " + what + ": " + e.getMessage(),
                    breaker.openWait(), e);
        }
        return e instanceof BlockstoreException ? e : new BlockstoreException("S3 " + what + " failed: " + e.getMessage(), e);
    }

    // ---- breaker probe, state, metrics ----

    private void probe() {
        if (closed || breaker.isClosed()) {
            return;
        }
        try {
            breaker.call("HEAD", "bucket (probe)", () -> client.headBucket(b -> b.bucket(settings.bucket())));
            if (breaker.isClosed()) {
                LOG.info("S3 at {} answers again; circuit breaker closed", settings.describe());
            }
        } catch (RuntimeException e) {
            LOG.debug("S3 probe failed: {}", e.getMessage());
        }
    }

    /** Whether S3 is failing and the breaker is refusing (or testing) calls. */
    public boolean degraded() {
        return !breaker.isClosed();
    }

    /** The breaker's state: CLOSED, OPEN or HALF_OPEN (and the other Resilience4j states). */
    public String breakerState() {
        return breaker.state().name();
    }

    public S3RequestCounter requests() {
        return counter;
    }

    /** Objects that came back corrupt or truncated twice and were answered as missing. */
    public long corruptObjects() {
        return corrupt.get();
    }

    /** Objects that came back bad once and were fetched again. */
    public long refetchedObjects() {
        return refetched.get();
    }

    /** Bytes the uploads and downloads in flight hold now, which is what they have reserved with the governor. */
    public long transferBytesInFlight() {
        return transfers.inFlightBytes();
    }

    /** Heap arrays allocated for downloads so far (one per GET with a body); uploads allocate none. */
    public long downloadBuffers() {
        return transfers.downloadBuffers();
    }

    public S3DiskCache diskCache() {
        return disk;
    }

    public S3Settings settings() {
        return settings;
    }

    /** For /health: where the blocks are, the breaker, the disk cache. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", settings.endpoint() == null ? "aws" : settings.endpoint().toString());
        m.put("region", settings.region());
        m.put("bucket", settings.bucket());
        m.put("prefix", settings.prefix());
        m.put("breaker", breakerState());
        m.put("degraded", degraded());
        m.put("requests", counter.snapshot());
        m.put("corruptObjects", corrupt.get());
        if (disk != null) {
            m.put("diskCacheBytes", disk.bytes());
            m.put("diskCacheMaxBytes", disk.maxBytes());
        }
        return m;
    }

    /** Binds {@code cairn_s3_requests_total{op}} and the breaker, corruption and disk-cache meters. */
    public void bindTo(MeterRegistry registry) {
        counter.bindTo(registry);
        Gauge.builder("cairn.s3.breaker.open", this, s -> s.degraded() ? 1 : 0)
                .description("1 while the S3 circuit breaker is not closed").register(registry);
        FunctionCounter.builder("cairn.s3.corrupt.objects", corrupt, AtomicLong::get)
                .description("objects corrupt or truncated twice, answered as missing").register(registry);
        Gauge.builder("cairn.s3.transfer.bytes.in.flight", transfers, S3Transfers::inFlightBytes)
                .description("bytes held (and reserved with the governor) by uploads and downloads in flight").register(registry);
        FunctionCounter.builder("cairn.s3.transfer.buffers", transfers, S3Transfers::downloadBuffers).tag("dir", "get")
                .description("heap arrays allocated for transfers (uploads send the block's own array)").register(registry);
        FunctionCounter.builder("cairn.s3.transfer.bytes", transfers, S3Transfers::downloadBytes).tag("dir", "get")
                .description("bytes moved by transfers").register(registry);
        FunctionCounter.builder("cairn.s3.transfer.bytes", transfers, S3Transfers::uploadBytes).tag("dir", "put")
                .description("bytes moved by transfers").register(registry);
        if (disk != null) {
            Gauge.builder("cairn.s3.disk.cache.bytes", disk, S3DiskCache::bytes).register(registry);
            FunctionCounter.builder("cairn.s3.disk.cache.hits", disk, S3DiskCache::hits).register(registry);
            FunctionCounter.builder("cairn.s3.disk.cache.misses", disk, S3DiskCache::misses).register(registry);
            FunctionCounter.builder("cairn.s3.disk.cache.evictions", disk, S3DiskCache::evictions).register(registry);
        }
    }

    // ---- GC lock, lifecycle ----

    @Override
    public Unlock gcLock() {
        checkOpen();
        return gcLock.gcLock();
    }

    @Override
    public Unlock pinLock() {
        checkOpen();
        return gcLock.pinLock();
    }

    @Override
    public boolean gcRequested() {
        return gcLock.gcRequested();
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("the S3 store " + settings.describe() + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        prober.shutdownNow();
        try {
            if (disk != null) {
                disk.close();
            }
        } finally {
            if (ownsClient) {
                client.close();
            }
        }
    }
}
