package io.cairn.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;

/**
 * One fixed-size piece of an upload being read: native memory from {@link NativeChunks}. The block
 * handed to the store is a view over a part's chunks ({@link io.cairn.memory.offheap.SegmentChain}),
 * so what is read is never copied again on its way to the disk.
 */
interface UploadChunk {

    /** How many bytes the chunk holds at most. */
    int capacity();

    /** What the chunk costs the memory it lives in, as reserved through the governor. */
    long footprint();

    /** Reads into the chunk at {@code offset}; like {@link InputStream#read(byte[], int, int)}. */
    int readFrom(InputStream in, int offset, int length) throws IOException;

    /** The chunk's bytes, {@code capacity()} of them. Valid until {@link #free()}. */
    MemorySegment segment();

    /** Gives the chunk's memory back. Idempotent. */
    void free();

    /** Where chunks come from. */
    interface Allocator {
        /** A new chunk of {@code capacity} bytes; the caller has reserved {@link #footprint} for it. */
        UploadChunk allocate(int capacity);

        /** What a chunk of {@code capacity} will cost, so it can be reserved before it is allocated. */
        long footprint(int capacity);
    }
}
