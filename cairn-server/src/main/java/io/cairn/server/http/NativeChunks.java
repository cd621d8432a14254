package io.cairn.server.http;

import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.BlockAllocator;
import io.cairn.memory.offheap.NativeBuffers;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;

/**
 * {@link UploadChunk}s in native memory, from {@link NativeBuffers} (4 MiB regions, 4 KiB pages, two
 * spare regions). A chunk's footprint is exactly what the allocator hands out for it (its size
 * rounded up to whole pages, or its size class: a 64 KiB chunk costs 64 KiB), so an upload reserves
 * exactly what it holds; the free pages of mapped regions are reported to the governor by
 * {@link NativeBuffers#registerWith}.
 */
final class NativeChunks implements UploadChunk.Allocator {
    private static final NativeChunks SHARED = new NativeChunks(NativeBuffers.uploads());

    private final NativeBuffers buffers;

    NativeChunks(NativeBuffers buffers) {
        this.buffers = buffers;
    }

    /** Chunks from buffers of their own with {@code config} (tests: poison mode). */
    NativeChunks(AllocatorConfig config) {
        this(new NativeBuffers(config));
    }

    /** Chunks from the process's {@link NativeBuffers#uploads()}. */
    static NativeChunks shared() {
        return SHARED;
    }

    /** The allocator behind the chunks, for its counters. */
    BlockAllocator allocator() {
        return buffers.allocator();
    }

    @Override
    public UploadChunk allocate(int capacity) {
        long handle = buffers.allocate(capacity);
        return new Chunk(handle, capacity, buffers.segment(handle, capacity));
    }

    @Override
    public long footprint(int capacity) {
        return buffers.footprint(capacity);
    }

    private final class Chunk implements UploadChunk {
        private final long handle;
        private final int capacity;
        private final MemorySegment segment;
        private boolean freed;

        Chunk(long handle, int capacity, MemorySegment segment) {
            this.handle = handle;
            this.capacity = capacity;
            this.segment = segment;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public long footprint() {
            return buffers.footprint(capacity);
        }

        @Override
        public int readFrom(InputStream in, int offset, int length) throws IOException {
            return NativeBuffers.readInto(in, segment.asSlice(offset, length));
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public void free() {
            if (!freed) {
                freed = true;
                buffers.free(handle, capacity);
            }
        }
    }
}
