package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryGovernor.Reservation;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts of one upload into memory, reserving through the governor exactly what it holds,
 * as it reads: a chain of fixed-size chunks (64 KiB), each reserved before it is allocated, then
 * the block's exact-size array. A refused reservation (MemoryPressureException, answered 503) stops
 * the read before the memory is taken.
 *
 * <p>The first chunk is no bigger than the declared body when that is smaller than a chunk, so a
 * small upload does not allocate (and reserve) 64 KiB for a few bytes.
 *
 * <p>One part at a time: {@link #readPart} holds the part's reservations until {@link #releasePart}
 * (called once its block is stored), and refuses to start a new part while the last one is held. The
 * first chunk is kept for the whole request and reused by every part, so a request of many tiny parts
 * costs one chunk plus each part's own bytes, not a chunk per part.
 *
 * <p>Chunks come from an {@link UploadChunk.Allocator}: heap arrays today, native segments later.
 */
final class ReservedBuffer implements AutoCloseable {
    static final int CHUNK = 64 * 1024;

    private final MemoryGovernor governor;
    private final UploadChunk.Allocator allocator;
    private final int chunkSize;
    private final List<Reservation> part = new ArrayList<>();
    private UploadChunk staging;
    private Reservation stagingReservation;

    private final int firstChunkSize;

    ReservedBuffer(MemoryGovernor governor) {
        this(governor, HeapChunks.INSTANCE, CHUNK, -1);
    }

    /**
     * @param declaredBody the request's declared body length, or -1: when smaller than a chunk, the
     *        first chunk is made that size, since no part of the body can be longer
     */
    ReservedBuffer(MemoryGovernor governor, long declaredBody) {
        this(governor, HeapChunks.INSTANCE, CHUNK, declaredBody);
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
     * Reads {@code in} to its end into one array of exactly its length. Returns null if it holds
     * more than {@code limit} bytes (the caller decides what error that is); reads at most
     * {@code limit + 1} bytes either way.
     *
     * @throws IllegalStateException if the previous part has not been released
     */
    byte[] readPart(InputStream in, int limit) throws IOException {
        if (!part.isEmpty()) {
            throw new IllegalStateException("the previous part's reservation is still held; release it first");
        }
        List<UploadChunk> chunks = new ArrayList<>();
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
            count += filled;
        }
        if (count > limit) {
            releasePart(); // nothing of it is kept
            return null;
        }
        int length = (int) count;
        // The block itself is a heap array (Block holds byte[]), whatever backs the chunks.
        hold(governor.tryReserve(HeapFootprint.ofByteArray(length)));
        byte[] out = new byte[length];
        int at = 0;
        for (UploadChunk c : chunks) {
            int n = Math.min(c.capacity(), length - at);
            c.copyTo(0, out, at, n);
            at += n;
            if (at == length) {
                break;
            }
        }
        return out;
    }

    private UploadChunk staging() {
        if (staging == null) {
            stagingReservation = governor.tryReserve(allocator.footprint(firstChunkSize));
            staging = allocator.allocate(firstChunkSize);
        }
        return staging;
    }

    private UploadChunk overflowChunk() {
        hold(governor.tryReserve(allocator.footprint(chunkSize)));
        return allocator.allocate(chunkSize);
    }

    private void hold(Reservation r) {
        part.add(r);
    }

    /** Bytes reserved for what is held now: the current part and the reused first chunk. */
    long reservedBytes() {
        long total = stagingReservation == null ? 0 : stagingReservation.bytes();
        for (Reservation r : part) {
            total += r.bytes();
        }
        return total;
    }

    /** Gives back the current part's reservations: its block is stored (or abandoned). */
    void releasePart() {
        for (Reservation r : part) {
            r.release();
        }
        part.clear();
    }

    @Override
    public void close() {
        releasePart();
        if (stagingReservation != null) {
            stagingReservation.release();
            stagingReservation = null;
            staging = null;
        }
    }
}
