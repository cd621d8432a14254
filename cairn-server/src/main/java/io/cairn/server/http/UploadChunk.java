package io.cairn.server.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * One fixed-size piece of an upload being read. Heap arrays back it today ({@link HeapChunks});
 * the interface is what lets native memory segments back it later without touching the readers.
 */
interface UploadChunk {

    /** How many bytes the chunk holds at most. */
    int capacity();

    /** What the chunk costs the memory it lives in, as reserved through the governor. */
    long footprint();

    /** Reads into the chunk at {@code offset}; like {@link InputStream#read(byte[], int, int)}. */
    int readFrom(InputStream in, int offset, int length) throws IOException;

    /** Copies {@code length} bytes from the chunk's {@code offset} into {@code target} at {@code at}. */
    void copyTo(int offset, byte[] target, int at, int length);

    /** Where chunks come from. */
    interface Allocator {
        /** A new chunk of {@code capacity} bytes; the caller has reserved {@link #footprint} for it. */
        UploadChunk allocate(int capacity);

        /** What a chunk of {@code capacity} will cost, so it can be reserved before it is allocated. */
        long footprint(int capacity);
    }
}
