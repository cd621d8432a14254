package io.cairn.blockstore;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governs disk as the memory governor governs memory: it admits or refuses each write against
 * {@link StorageLimits#maxBytes()}, remembers when the file system itself reported "no space"
 * ({@code ENOSPC}), reports a {@link StorageStatus} for health checks and metrics, and tells its
 * {@link StorageWatermarkListener}s when use reaches the GC watermark.
 *
 * <p>Refusals are retryable ({@link StorageFullException} with a retry-after), and recovery needs no
 * operator: once blocks are removed (or the file system has room again) the next write is admitted.
 * After an {@code ENOSPC} the store stays "full" until a write succeeds; a write is still attempted
 * whenever the file system reports room for it, so writes resume as soon as space comes back.
 *
 * <p>Thread-safe. The used and usable byte counts come from suppliers (the flatfs store's exact
 * count and its file system's free space), so tests can drive them directly.
 */
public final class StorageGovernor {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGovernor.class);

    private final StorageLimits limits;
    private final LongSupplier usedBytes;
    private final LongSupplier usableBytes;
    private final List<StorageWatermarkListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder refusals = new LongAdder();
    private volatile boolean noSpace;
    private volatile boolean aboveWatermark;

    /**
     * @param usedBytes   bytes the store's blocks occupy now
     * @param usableBytes bytes the file system can still give, or -1 when unknown
     */
    public StorageGovernor(StorageLimits limits, LongSupplier usedBytes, LongSupplier usableBytes) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.usedBytes = Objects.requireNonNull(usedBytes, "usedBytes");
        this.usableBytes = Objects.requireNonNull(usableBytes, "usableBytes");
    }

    /** A governor over a flatfs store (open it with {@link FlatFsOptions#trackUsage()} for an exact count). */
    public static StorageGovernor over(FlatFsBlockstore store, StorageLimits limits) {
        return new StorageGovernor(limits, store::usedBytes, () -> {
            try {
                return store.usableBytes();
            } catch (RuntimeException e) {
                return -1;
            }
        });
    }

    public StorageLimits limits() {
        return limits;
    }

    /** Registers the GC hook; returns {@code listener}'s registration for removal. */
    public AutoCloseable addWatermarkListener(StorageWatermarkListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /**
     * Admits a write of {@code bytes} new bytes or refuses it. A refusal that stands (the block is not
     * a duplicate) is reported back through {@link #refused}.
     *
     * @throws StorageFullException if it would pass {@code storage-max}, or the file system reported
     *         itself full and still has no room for it
     */
    public void admit(long bytes) {
        if (limits.limited()) {
            long used = usedBytes.getAsLong();
            if (used + bytes > limits.maxBytes()) {
                throw new StorageFullException(StorageFullException.Cause.LIMIT,
                        "storage-max reached: " + used + " of " + limits.maxBytes() + " bytes used, a block of "
                                + bytes + " bytes does not fit; remove blocks or collect garbage, or raise storage-max",
                        limits.retryAfter());
            }
        }
        if (noSpace) {
            long usable = usableBytes.getAsLong();
            if (usable >= 0 && usable < bytes) {
                throw new StorageFullException(StorageFullException.Cause.NO_SPACE,
                        "no space left on device: " + usable + " bytes usable, a block of " + bytes + " bytes does not fit",
                        limits.retryAfter());
            }
        }
    }

    /** A write was refused by {@link #admit}: counted, and at the limit the GC hook is told again. */
    public void refused(StorageFullException e) {
        refusals.increment();
        if (e.reason() == StorageFullException.Cause.LIMIT) {
            notifyListeners(status());
        }
    }

    /** The store wrote successfully: space is there again, and the watermark may have been reached. */
    public void written() {
        if (noSpace) {
            noSpace = false;
            LOG.info("storage: writes succeed again after the file system was full");
        }
        if (!limits.limited()) {
            return;
        }
        boolean above = usedBytes.getAsLong() >= limits.watermarkBytes();
        boolean crossed = above && !aboveWatermark;
        aboveWatermark = above;
        if (crossed) {
            StorageStatus s = status();
            LOG.info("storage above the GC watermark: {} of {} bytes used", s.usedBytes(), s.maxBytes());
            notifyListeners(s);
        }
    }

    /** Blocks were removed: the watermark may be behind us again. */
    public void removed() {
        if (limits.limited() && aboveWatermark && usedBytes.getAsLong() < limits.watermarkBytes()) {
            aboveWatermark = false;
        }
    }

    /** The file system refused a write for lack of space. */
    public void noSpace(StorageFullException e) {
        refusals.increment();
        if (!noSpace) {
            noSpace = true;
            LOG.warn("storage: the file system is full; writes are refused (507) until space comes back: {}",
                    e.getMessage());
        }
        notifyListeners(status());
    }

    /** Writes refused for lack of storage since start. */
    public long refusedWrites() {
        return refusals.sum();
    }

    public StorageStatus status() {
        long used = usedBytes.getAsLong();
        long usable = usableBytes.getAsLong();
        long max = limits.maxBytes();
        long watermark = limits.limited() ? limits.watermarkBytes() : 0;
        if (noSpace) {
            return new StorageStatus(StorageStatus.State.FULL, "the file system is full (no space left on device)",
                    used, max, watermark, usable);
        }
        if (limits.limited() && used >= max) {
            return new StorageStatus(StorageStatus.State.FULL, "storage-max reached (" + used + " of " + max + " bytes)",
                    used, max, watermark, usable);
        }
        if (limits.limited() && used >= watermark) {
            return new StorageStatus(StorageStatus.State.ABOVE_WATERMARK, "above the GC watermark ("
                    + limits.gcWatermarkPercent() + " % of storage-max)", used, max, watermark, usable);
        }
        return new StorageStatus(StorageStatus.State.OK, "", used, max, watermark, usable);
    }

    private void notifyListeners(StorageStatus s) {
        for (StorageWatermarkListener l : listeners) {
            try {
                l.aboveWatermark(s);
            } catch (RuntimeException e) {
                LOG.warn("storage watermark listener failed", e);
            }
        }
    }
}
