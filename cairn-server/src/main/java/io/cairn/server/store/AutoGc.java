package io.cairn.server.store;

import io.cairn.blockstore.StorageStatus;
import io.cairn.blockstore.StorageWatermarkListener;
import io.cairn.pin.GarbageCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Runs the garbage collector when disk use crosses the {@code storage-gc-watermark}, as Kubo runs GC
 * at {@code StorageGCWatermark}: one collection at a time, on a thread of its own (the watermark is
 * reported on a writer's thread), and at most once per {@link #MIN_INTERVAL}, so a store whose
 * pinned data alone sits above the watermark is not swept over and over.
 */
final class AutoGc implements StorageWatermarkListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoGc.class);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

    private final GarbageCollector collector;
    private final LongSupplier nanoTime;
    private final Duration minInterval;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long lastStart;
    private volatile boolean started;
    private volatile Thread worker;

    AutoGc(GarbageCollector collector, Duration minInterval, LongSupplier nanoTime) {
        this.collector = collector;
        this.minInterval = minInterval;
        this.nanoTime = nanoTime;
    }

    @Override
    public void aboveWatermark(StorageStatus status) {
        if (closed) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (started && now - lastStart < minInterval.toNanos()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            return;
        }
        started = true;
        lastStart = now;
        Thread t = Thread.ofPlatform().daemon().name("cairn-auto-gc").unstarted(() -> run(status));
        worker = t;
        t.start();
    }

    private void run(StorageStatus trigger) {
        try {
            LOG.info("disk use {} of {} bytes is above the GC watermark ({} bytes): collecting garbage",
                    trigger.usedBytes(), trigger.maxBytes(), trigger.watermarkBytes());
            GarbageCollector.Result r = collector.collect();
            LOG.info("garbage collection at the watermark removed {} blocks ({} bytes), kept {}",
                    r.removedBlocks(), r.removedBytes(), r.keptBlocks());
        } catch (io.cairn.pin.CollectionBusyException e) {
            LOG.info("garbage collection at the watermark skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("garbage collection at the watermark failed: {}", e.toString());
            }
        } finally {
            running.set(false);
        }
    }

    /** Whether a collection is running now. */
    boolean running() {
        return running.get();
    }

    /** Stops starting collections and waits briefly for one in flight. */
    @Override
    public void close() {
        closed = true;
        Thread t = worker;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
