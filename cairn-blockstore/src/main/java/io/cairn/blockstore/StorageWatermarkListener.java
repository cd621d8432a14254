package io.cairn.blockstore;

/**
 * Told when a store's used bytes reach its GC watermark ({@link StorageLimits#gcWatermarkPercent()}
 * of {@code storage-max}), and again each time a write is refused at the limit: the hook through
 * which a garbage collector is started when storage runs short, as Kubo runs GC at
 * {@code StorageGCWatermark}. Called on the writing thread, after its write: an implementation must
 * hand the work off rather than collect in the call, and must not throw.
 */
@FunctionalInterface
public interface StorageWatermarkListener {
    void aboveWatermark(StorageStatus status);
}
