package io.cairn.blockstore;

/**
 * A snapshot of a store's disk use, for {@code /health}, metrics and the GC hook.
 *
 * @param state        {@code OK}, {@code ABOVE_WATERMARK} (a GC is due) or {@code FULL} (writes are
 *                     being refused: at the limit, or the file system reported itself full)
 * @param reason       why, when not {@code OK}; never a file system path
 * @param usedBytes    bytes in block files
 * @param maxBytes     {@code storage-max}, 0 when unlimited
 * @param watermarkBytes used bytes from which the store is above its watermark (0 when unlimited)
 * @param usableBytes  what the file system can still give this process, -1 if unknown
 */
public record StorageStatus(State state, String reason, long usedBytes, long maxBytes, long watermarkBytes,
                            long usableBytes) {

    public enum State { OK, ABOVE_WATERMARK, FULL }

    public boolean full() {
        return state == State.FULL;
    }
}
