package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryGovernor.Reservation;
import io.cairn.memory.offheap.SegmentChain;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts of one upload into native memory, reserving through the governor exactly what it
 * holds, as it reads: a chain of fixed-size chunks (64 KiB), each reserved before it is allocated.
 * Nothing is doubled or copied: the part comes back as a {@link SegmentChain} over the chunks
 * themselves, which the caller wraps in a block ({@code Block.over}) and stores; flatfs writes it
 * with one gathering write and the CID is hashed over the chunks in place. A refused reservation
 * (MemoryPressureException, answered 503) stops the read before the memory is taken.
 *
 * <p>The first chunk is no bigger than the declared body when that is smaller than a chunk, so a
 * small upload does not allocate (and reserve) 64 KiB for a few bytes.
 *
 * <p>One part at a time: {@link #readPart} holds the part's chunks and reservations until the chain
 * is closed (or {@link #releasePart}), once its block is stored, and refuses to start a new part
 * while the last one is held. The first chunk is kept for the whole request and reused by every
 * part, so a request of many tiny parts costs one chunk plus each part's own bytes, not a chunk per
 * part. Released chunks go back to the allocator at once, and their reservations are released as
 * landing nothing on the heap.
 */
final class ReservedBuffer implements AutoCloseable {
    static final int CHUNK = 64 * 1024;

    private final MemoryGovernor governor;
    private final UploadChunk.Allocator allocator;
    private final int chunkSize;
    private final int firstChunkSize;
    /** The current part's overflow chunks and their reservations, in order. */
    private final List<UploadChunk> partChunks = new ArrayList<>();
    private final List<Reservation> part = new ArrayList<>();
    /** Reservations of heap arrays made for the current part ({@link #readPartOnHeap}). */
    private final List<Reservation> heap = new ArrayList<>();
    private SegmentChain current;
    private UploadChunk staging;
    private Reservation stagingReservation;

    ReservedBuffer(MemoryGovernor governor) {
        this(governor, NativeChunks.shared(), CHUNK, -1);
    }

    /**
     * @param declaredBody the request's declared body length, or -1: when smaller than a chunk, the
     *        first chunk is made that size, since no part of the body can be longer
     */
    ReservedBuffer(MemoryGovernor governor, long declaredBody) {
        this(governor, NativeChunks.shared(), CHUNK, declaredBody);
    }

    ReservedBuffer(MemoryGovernor governor, UploadChunk.Allocator allocator, int chunkSize) {
        this(governor, allocator, chunkSize, -1);
    }

    ReservedBuffer(MemoryGovernor governor, UploadChunk.Allocator allocator, int chunkSize, long declaredBody) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        this.governor = governor;
        this.allocator = allocator;
        this.chunkSize = chunkSize;
        // +1: reading one byte past a part's limit is how "over the limit" is told from "at it".
        this.firstChunkSize = declaredBody >= 0 && declaredBody < chunkSize ? (int) declaredBody + 1 : chunkSize;
    }

    /**
     * Reads {@code in} to its end into native chunks. Returns the bytes as a chain over those chunks,
     * valid until it is closed (closing it is {@link #releasePart}), or null if {@code in} holds more
     * than {@code limit} bytes (the caller decides what error that is); reads at most
     * {@code limit + 1} bytes either way.
     *
     * @throws IllegalStateException if the previous part has not been released
     */
    SegmentChain readPart(InputStream in, int limit) throws IOException {
        if (current != null || !part.isEmpty()) {
            throw new IllegalStateException("the previous part's reservation is still held; release it first");
        }
        List<UploadChunk> chunks = new ArrayList<>();
        List<MemorySegment> filledSegments = new ArrayList<>();
        long cap = (long) limit + 1;
        long count = 0;
        boolean eof = false;
        while (!eof && count < cap) {
            UploadChunk chunk = chunks.isEmpty() ? staging() : overflowChunk();
            chunks.add(chunk);
            int filled = 0;
            int room = (int) Math.min(chunk.capacity(), cap - count);
            while (filled < room) {
                int n = chunk.readFrom(in, filled, room - filled);
                if (n < 0) {
                    eof = true;
                    break;
                }
                filled += n;
            }
            if (filled > 0) {
                filledSegments.add(chunk.segment().asSlice(0, filled));
            }
            count += filled;
        }
        if (count > limit) {
            releasePart(); // nothing of it is kept
            return null;
        }
        current = SegmentChain.of(filledSegments, this::releasePart);
        return current;
    }

    /**
     * As {@link #readPart}, but the bytes as one heap array of exactly their length (reserved too),
     * for a caller that must parse them (dag/put); the native chunks are held until
     * {@link #releasePart} as well. Null if over {@code limit}.
     */
    byte[] readPartOnHeap(InputStream in, int limit) throws IOException {
        SegmentChain chain = readPart(in, limit);
        if (chain == null) {
            return null;
        }
        heap.add(governor.tryReserve(HeapFootprint.ofByteArray(chain.size())));
        return chain.toArray();
    }

    private UploadChunk staging() {
        if (staging == null) {
            stagingReservation = governor.tryReserve(allocator.footprint(firstChunkSize));
            staging = allocator.allocate(firstChunkSize);
        }
        return staging;
    }

    private UploadChunk overflowChunk() {
        Reservation r = governor.tryReserve(allocator.footprint(chunkSize));
        part.add(r);
        UploadChunk c = allocator.allocate(chunkSize);
        partChunks.add(c);
        return c;
    }

    /** Bytes reserved for what is held now: the current part and the reused first chunk. */
    long reservedBytes() {
        long total = stagingReservation == null ? 0 : stagingReservation.bytes();
        for (Reservation r : part) {
            total += r.bytes();
        }
        for (Reservation r : heap) {
            total += r.bytes();
        }
        return total;
    }

    /** Gives back the current part's chunks and reservations: its block is stored (or abandoned). */
    void releasePart() {
        SegmentChain c = current;
        current = null;
        if (c != null) {
            c.close(); // runs this method again, with current already cleared
        }
        for (UploadChunk chunk : partChunks) {
            chunk.free();
        }
        partChunks.clear();
        // Native chunks land nothing on the heap; the arrays made for readPartOnHeap do.
        for (Reservation r : part) {
            r.release(0);
        }
        part.clear();
        for (Reservation r : heap) {
            r.release();
        }
        heap.clear();
    }

    @Override
    public void close() {
        releasePart();
        if (staging != null) {
            staging.free();
            staging = null;
        }
        if (stagingReservation != null) {
            stagingReservation.release(0);
            stagingReservation = null;
        }
    }
}
