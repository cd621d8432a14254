package io.cairn.memory.offheap;

import io.cairn.memory.MemoryGovernor;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

/**
 * Native memory for bytes on their way in (upload bodies, CAR sections, files imported offline):
 * a {@link BlockAllocator} and the ways to read into it. What an allocation costs is exactly
 * {@link #footprint}: callers reserve that through the governor before they allocate, and what is
 * mapped beyond the allocations (free pages of mapped regions) is reported by {@link #registerWith}.
 * Freed memory goes straight back to the allocator (and, in poison mode, is overwritten at once).
 */
public final class NativeBuffers {
    /** Regions of 4 MiB: 64 upload chunks of 64 KiB. */
    public static final long REGION_BYTES = 4L << 20;
    /**
     * Empty regions {@link #uploads()} keeps mapped: two, so that a 4 MiB part (65 chunks, two
     * regions) does not map and fault in a fresh region on every request.
     */
    static final int SPARE_REGIONS = 2;
    private static final int SCRATCH = 8192;
    private static final ThreadLocal<byte[]> SCRATCH_ARRAY = ThreadLocal.withInitial(() -> new byte[SCRATCH]);
    private static volatile NativeBuffers uploads;

    private final BlockAllocator allocator;

    public NativeBuffers(AllocatorConfig config) {
        this.allocator = new BlockAllocator(config);
    }

    /** The process's buffers for incoming bytes (poison mode as the system property {@code cairn.offheap.poison} says). */
    public static NativeBuffers uploads() {
        NativeBuffers u = uploads;
        if (u == null) {
            synchronized (NativeBuffers.class) {
                u = uploads;
                if (u == null) {
                    u = new NativeBuffers(AllocatorConfig.of(Long.MAX_VALUE).withRegionBytes(REGION_BYTES)
                            .withSpareRegions(SPARE_REGIONS));
                    uploads = u;
                }
            }
        }
        return u;
    }

    public BlockAllocator allocator() {
        return allocator;
    }

    /** What an allocation of {@code length} bytes costs: its slot or its whole pages. */
    public long footprint(int length) {
        return allocator.roundedSize(length);
    }

    /**
     * Reports to {@code governor}, as an off-heap consumer, the bytes mapped but not allocated (the
     * allocations themselves are counted by their callers' reservations).
     */
    public MemoryGovernor.Registration registerWith(MemoryGovernor governor, String name) {
        return governor.registerConsumer(name, MemoryGovernor.Residence.OFF_HEAP,
                () -> Math.max(0, allocator.mappedBytes() - allocator.allocatedBytes()));
    }

    /** {@code length} bytes of native memory (not zeroed) and its handle; free it with {@link #free}. */
    public long allocate(int length) {
        long handle = allocator.allocate(length, Long.MAX_VALUE);
        if (handle == 0) {
            throw new OutOfMemoryError("no native memory for " + length + " bytes");
        }
        return handle;
    }

    public MemorySegment segment(long handle, int length) {
        return allocator.segment(handle, length);
    }

    public void free(long handle, int length) {
        allocator.free(handle, length);
    }

    /**
     * Reads exactly {@code length} bytes of {@code in} into one allocation, returned as a chain whose
     * close frees it.
     *
     * @throws EOFException if the stream ends first (nothing is kept)
     */
    public SegmentChain read(InputStream in, int length) throws IOException {
        long handle = allocate(Math.max(1, length));
        MemorySegment target = allocator.segment(handle, Math.max(1, length)).asSlice(0, length);
        try {
            for (long at = 0; at < length; ) {
                int n = readInto(in, target.asSlice(at));
                if (n < 0) {
                    throw new EOFException("stream ended after " + at + " of " + length + " bytes");
                }
                at += n;
            }
        } catch (IOException | RuntimeException | Error e) {
            free(handle, Math.max(1, length));
            throw e;
        }
        return chain(handle, length, target);
    }

    /** As {@link #read(InputStream, int)} from a channel (a file), straight into the native buffer. */
    public SegmentChain read(ReadableByteChannel in, int length) throws IOException {
        long handle = allocate(Math.max(1, length));
        MemorySegment target = allocator.segment(handle, Math.max(1, length)).asSlice(0, length);
        try {
            ByteBuffer b = target.asByteBuffer();
            while (b.hasRemaining()) {
                if (in.read(b) < 0) {
                    throw new EOFException("channel ended after " + b.position() + " of " + length + " bytes");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            free(handle, Math.max(1, length));
            throw e;
        }
        return chain(handle, length, target);
    }

    /**
     * Reads into {@code target} from {@code in}: directly if the stream is a {@link SegmentSource},
     * else through a small per-thread array (never one of the body's size). Like {@code InputStream.read}.
     */
    public static int readInto(InputStream in, MemorySegment target) throws IOException {
        if (in instanceof SegmentSource direct) {
            return direct.read(target);
        }
        byte[] scratch = SCRATCH_ARRAY.get();
        int n = in.read(scratch, 0, (int) Math.min(scratch.length, target.byteSize()));
        if (n > 0) {
            MemorySegment.copy(scratch, 0, target, ValueLayout.JAVA_BYTE, 0, n);
        }
        return n;
    }

    private SegmentChain chain(long handle, int length, MemorySegment bytes) {
        int allocated = Math.max(1, length);
        return SegmentChain.of(length == 0 ? List.of() : List.of(bytes), () -> free(handle, allocated));
    }
}
