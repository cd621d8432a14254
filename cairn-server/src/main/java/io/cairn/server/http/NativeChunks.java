package io.cairn.server.http;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.BlockAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link UploadChunk}s in native memory, from a {@link BlockAllocator} of their own (4 MiB regions,
 * 4 KiB pages, one spare region). A chunk's footprint is exactly what the allocator hands out for it
 * (its size rounded up to whole pages: a 64 KiB chunk costs 64 KiB), so an upload reserves exactly
 * what it holds; the rest of what is mapped (free pages of mapped regions) is reported to the
 * governor as an off-heap consumer by {@link #registerWith}, so reservations plus that figure are
 * what the uploads cost the process.
 *
 * <p>Freed chunks go straight back to the allocator; a region whose chunks are all freed is unmapped
 * (beyond the spare), and in poison mode freed bytes are overwritten at once.
 */
public final class NativeChunks implements UploadChunk.Allocator {
    /** Regions of 64 chunks of 64 KiB. */
    static final long REGION_BYTES = 4L << 20;
    private static final int SCRATCH = 8192;
    private static final ThreadLocal<byte[]> SCRATCH_ARRAY = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    private static volatile NativeChunks shared;

    private final BlockAllocator allocator;

    /** Chunks from an allocator with {@code config}. */
    public NativeChunks(AllocatorConfig config) {
        this.allocator = new BlockAllocator(config);
    }

    /** The process's upload chunks (poison mode as the system property {@code cairn.offheap.poison} says). */
    public static NativeChunks shared() {
        NativeChunks s = shared;
        if (s == null) {
            synchronized (NativeChunks.class) {
                s = shared;
                if (s == null) {
                    s = new NativeChunks(AllocatorConfig.of(Long.MAX_VALUE).withRegionBytes(REGION_BYTES));
                    shared = s;
                }
            }
        }
        return s;
    }

    /**
     * Reports to {@code governor}, as an off-heap consumer, the bytes mapped for chunks but not held
     * by any (held chunks are counted by their uploads' reservations).
     */
    public MemoryGovernor.Registration registerWith(MemoryGovernor governor) {
        return governor.registerConsumer("upload-chunks-spare", MemoryGovernor.Residence.OFF_HEAP,
                () -> Math.max(0, allocator.mappedBytes() - allocator.allocatedBytes()));
    }

    /** The allocator behind the chunks, for its counters. */
    public BlockAllocator allocator() {
        return allocator;
    }

    @Override
    public UploadChunk allocate(int capacity) {
        long handle = allocator.allocate(capacity, Long.MAX_VALUE);
        if (handle == 0) {
            throw new OutOfMemoryError("no native memory for a " + capacity + "-byte upload chunk");
        }
        return new Chunk(handle, capacity, allocator.segment(handle, capacity));
    }

    @Override
    public long footprint(int capacity) {
        return allocator.roundedSize(capacity);
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
            return allocator.roundedSize(capacity);
        }

        @Override
        public int readFrom(InputStream in, int offset, int length) throws IOException {
            MemorySegment target = segment.asSlice(offset, length);
            if (in instanceof SegmentSource direct) {
                return direct.read(target);
            }
            // Any other stream reads through a small per-thread array, never one of the body's size.
            byte[] scratch = SCRATCH_ARRAY.get();
            int n = in.read(scratch, 0, Math.min(scratch.length, length));
            if (n > 0) {
                MemorySegment.copy(scratch, 0, target, ValueLayout.JAVA_BYTE, 0, n);
            }
            return n;
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public void free() {
            if (!freed) {
                freed = true;
                allocator.free(handle, capacity);
            }
        }
    }
}
