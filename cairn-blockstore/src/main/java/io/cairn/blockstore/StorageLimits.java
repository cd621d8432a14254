package io.cairn.blockstore;

import java.time.Duration;
import java.util.Objects;

/**
 * How much disk a store may use, after Kubo's {@code Datastore.StorageMax} and
 * {@code StorageGCWatermark}. Validated here, once.
 *
 * @param maxBytes         the most the store's blocks may occupy; 0 for no limit (only the file
 *                         system's own space bounds it)
 * @param gcWatermarkPercent share of {@code maxBytes} (1..100) above which the store reports itself
 *                         "above the watermark" to its {@link StorageWatermarkListener}s, the signal
 *                         for a garbage collection; Kubo's default is 90
 * @param retryAfter       what a refused write tells the client to wait
 */
public record StorageLimits(long maxBytes, int gcWatermarkPercent, Duration retryAfter) {

    public StorageLimits {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("storage-max must not be negative, got " + maxBytes);
        }
        if (gcWatermarkPercent < 1 || gcWatermarkPercent > 100) {
            throw new IllegalArgumentException("storage-gc-watermark must be between 1 and 100 (percent), got "
                    + gcWatermarkPercent);
        }
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
        }
    }

    /** No limit, watermark 90 %, retry after 5 s. */
    public static StorageLimits unlimited() {
        return new StorageLimits(0, 90, Duration.ofSeconds(5));
    }

    public static StorageLimits of(long maxBytes, int gcWatermarkPercent) {
        return new StorageLimits(maxBytes, gcWatermarkPercent, Duration.ofSeconds(5));
    }

    public boolean limited() {
        return maxBytes > 0;
    }

    /** The used bytes at and above which the store is above its watermark; {@code Long.MAX_VALUE} when unlimited. */
    public long watermarkBytes() {
        return limited() ? Math.max(1, (long) (maxBytes * (gcWatermarkPercent / 100.0))) : Long.MAX_VALUE;
    }
}
