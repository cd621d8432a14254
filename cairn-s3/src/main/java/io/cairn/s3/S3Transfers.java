package io.cairn.s3;

import io.cairn.memory.MemoryGovernor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The memory S3 transfers hold, reserved with the governor for exactly as long as they hold it, and
 * counted.
 *
 * <ul>
 *   <li>An <b>upload</b> sends the block's own array (no copy: the SDK streams it, whole and signed,
 *       see {@link S3Clients}); it holds those bytes from the first attempt until S3 answered the last
 *       one, retries and their back-off included, so it reserves the block's size for that long.</li>
 *   <li>A <b>download</b> allocates one array of exactly the object's {@code Content-Length} (reserved
 *       before it is allocated, so a refusal costs nothing) and holds it until the bytes are checked and
 *       handed out as a block, or dropped.</li>
 * </ul>
 *
 * <p>{@link #inFlightBytes()} is the sum of what the transfers hold now; it equals what they have
 * reserved. Heap arrays only: the block API has no native-backed block to download into yet.
 */
final class S3Transfers {
    private final MemoryGovernor governor;
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder uploads = new LongAdder();
    private final LongAdder uploadBytes = new LongAdder();
    private final LongAdder downloadBuffers = new LongAdder();
    private final LongAdder downloadBytes = new LongAdder();

    S3Transfers(MemoryGovernor governor) {
        this.governor = governor;
    }

    /** What one transfer holds; {@link #close()} gives it back (idempotent). */
    final class Hold implements AutoCloseable {
        private final MemoryGovernor.Reservation reservation;
        private long bytes;

        private Hold(long bytes, MemoryGovernor.Reservation reservation) {
            this.bytes = bytes;
            this.reservation = reservation;
        }

        long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            long b = bytes;
            if (b < 0) {
                return;
            }
            bytes = -1;
            inFlight.addAndGet(-b);
            if (reservation != null) {
                reservation.release();
            }
        }
    }

    /**
     * Holds the {@code bytes} of a block about to be uploaded from its own array.
     *
     * @throws io.cairn.memory.MemoryPressureException at once, before anything is sent, if the governor
     *         refuses
     */
    Hold upload(int bytes) {
        Hold h = hold(bytes);
        uploads.increment();
        uploadBytes.add(bytes);
        return h;
    }

    /**
     * Holds the array of {@code bytes} a download is about to allocate; the caller allocates it only
     * once this returned.
     *
     * @throws io.cairn.memory.MemoryPressureException at once if the governor refuses
     */
    Hold download(int bytes) {
        Hold h = hold(bytes);
        downloadBuffers.increment();
        downloadBytes.add(bytes);
        return h;
    }

    private Hold hold(int bytes) {
        MemoryGovernor.Reservation r = governor == null ? null : governor.tryReserve(bytes);
        inFlight.addAndGet(bytes);
        return new Hold(bytes, r);
    }

    /** Bytes the transfers in flight hold now (and have reserved). */
    long inFlightBytes() {
        return inFlight.get();
    }

    /** Uploads started, each sent from the block's own array. */
    long uploads() {
        return uploads.sum();
    }

    long uploadBytes() {
        return uploadBytes.sum();
    }

    /** Heap arrays allocated for downloads: one per GET that had a body to read. */
    long downloadBuffers() {
        return downloadBuffers.sum();
    }

    long downloadBytes() {
        return downloadBytes.sum();
    }
}
