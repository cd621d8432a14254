package io.cairn.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The bytes an S3 store's blocks occupy, so that {@code storage-max}, the GC watermark and the disk
 * alert apply to S3 as to flatfs: a full listing ({@code ListObjectsV2} over the prefix, one request
 * per 1,000 objects) summed every {@code interval}, plus what this node created and deleted since
 * the listing began ({@link S3Blockstore#createdBytes()}, {@link S3Blockstore#deletedBytes()}). Other
 * nodes' writes show at the next listing; pin objects are not counted.
 *
 * <p>Until the first listing finishes only this node's own changes count (the figure starts low).
 */
public final class S3Usage implements LongSupplier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Usage.class);
    /** How often the bucket is listed by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    private final S3Blockstore store;
    private final S3Client client;
    private final boolean ownsClient;
    private final String bucket;
    private final S3Layout layout;
    private final ScheduledExecutorService timer;
    private final AtomicLong listRequests = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();
    private volatile Snapshot last = new Snapshot(0, 0, 0);

    /** A listing's sum and this node's counters when it began. */
    private record Snapshot(long listedBytes, long createdAtStart, long deletedAtStart) {
    }

    S3Usage(S3Blockstore store, S3Client client, boolean ownsClient, S3Settings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.bucket = settings.bucket();
        this.layout = new S3Layout(settings.prefix());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-s3-usage");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The usage of {@code store}, listed now in the background and then every {@code interval}, over
     * a client of its own (default credentials).
     */
    public static S3Usage start(S3Blockstore store, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the S3 usage listing interval must be positive, got " + interval);
        }
        S3Usage u = new S3Usage(store, S3Clients.build(store.settings(), null), true, store.settings());
        u.timer.scheduleWithFixedDelay(u::rescanQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return u;
    }

    @Override
    public long getAsLong() {
        Snapshot s = last;
        long since = (store.createdBytes() - s.createdAtStart()) - (store.deletedBytes() - s.deletedAtStart());
        return Math.max(0, s.listedBytes() + since);
    }

    /** Lists the bucket now and returns the block bytes it holds. */
    public long rescan() {
        long created = store.createdBytes();
        long deleted = store.deletedBytes();
        long sum = 0;
        for (ListObjectsV2Response page : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(layout.listPrefix()))) {
            listRequests.incrementAndGet();
            for (S3Object o : page.contents()) {
                if (layout.parse(o.key()) != null) {
                    sum += o.size();
                }
            }
        }
        last = new Snapshot(sum, created, deleted);
        scans.incrementAndGet();
        return sum;
    }

    private void rescanQuietly() {
        try {
            long bytes = rescan();
            LOG.debug("S3 usage: {} bytes of blocks listed", bytes);
        } catch (RuntimeException e) {
            LOG.warn("listing the bucket for its usage failed ({}); the last figure stands", e.toString());
        }
    }

    /** ListObjectsV2 requests made so far (one per 1,000 objects per listing). */
    public long listRequests() {
        return listRequests.get();
    }

    /** Listings finished so far. */
    public long scans() {
        return scans.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
