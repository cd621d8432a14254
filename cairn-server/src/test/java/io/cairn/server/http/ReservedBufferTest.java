package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.BlockAllocator;
import io.cairn.memory.offheap.SegmentChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an upload reserves: exactly the native chunks it holds (no block array on top, no doubling);
 * one part at a time; every chunk back in the allocator afterwards. The allocator runs in poison mode.
 */
class ReservedBufferTest {
    static final int CHUNK = ReservedBuffer.CHUNK;

    /** Native chunks (poison mode) that record what was allocated. */
    static final class CountingChunks implements UploadChunk.Allocator {
        final NativeChunks chunks = new NativeChunks(AllocatorConfig.of(Long.MAX_VALUE)
                .withRegionBytes(io.cairn.memory.offheap.NativeBuffers.REGION_BYTES).withPoison(true));
        final List<Integer> allocated = new ArrayList<>();

        @Override
        public UploadChunk allocate(int capacity) {
            allocated.add(capacity);
            return chunks.allocate(capacity);
        }

        @Override
        public long footprint(int capacity) {
            return chunks.footprint(capacity);
        }

        BlockAllocator allocator() {
            return chunks.allocator();
        }
    }

    CountingChunks chunks;

    @BeforeEach
    void chunks() {
        chunks = new CountingChunks();
    }

    @AfterEach
    void everyChunkIsBack() {
        BlockAllocator a = chunks.allocator();
        assertThat(a.allocationCount()).as("chunks still allocated").isZero();
        assertThat(a.allocatedBytes()).isZero();
        assertThat(a.mappedBytes()).as("poison mode unmaps every empty region").isZero();
        a.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Hands out at most {@code step} bytes per read, like a socket. */
    static InputStream trickle(byte[] data, int step) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void aPartReservesExactlyTheChunksItHolds() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        byte[] data = random(3 * CHUNK + 100, 1);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            SegmentChain got = buf.readPart(trickle(data, 7000), 4 << 20);
            assertThat(got.toArray()).isEqualTo(data);
            // four chunks of 64 KiB, chained, never doubled and copied, and no block array on top
            assertThat(chunks.allocated).containsExactly(CHUNK, CHUNK, CHUNK, CHUNK);
            assertThat(got.segmentCount()).isEqualTo(4);
            assertThat(buf.reservedBytes()).isEqualTo(4L * CHUNK)
                    .isEqualTo(chunks.allocator().allocatedBytes());
            assertThat(g.reservedBytes()).isEqualTo(4L * CHUNK);
            got.close();
            // the first chunk stays for the next part; the rest is given back, to the governor and the allocator
            assertThat(g.reservedBytes()).isEqualTo(CHUNK).isEqualTo(chunks.allocator().allocatedBytes());
        }
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void aPartIsAViewOfItsChunksAndFreedBytesArePoisoned() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        byte[] data = random(2 * CHUNK + 10, 2);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            SegmentChain got = buf.readPart(new ByteArrayInputStream(data), 4 << 20);
            ByteBuffer[] views = got.buffers();
            assertThat(views).hasSize(3).allMatch(ByteBuffer::isDirect);
            ByteBuffer overflow = views[2];
            assertThat(overflow.get(0)).isEqualTo(data[2 * CHUNK]);
            buf.releasePart();
            // the overflow chunk went back to the allocator, which poisoned it
            assertThat(overflow.get(0)).isEqualTo(BlockAllocator.POISON);
            assertThatThrownBy(got::buffers).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void manyTinyPartsHoldOneChunkAndOnePartAtATime() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        long peak = 0;
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            for (int i = 0; i < 3000; i++) {
                byte[] part = random(20, i);
                try (SegmentChain got = buf.readPart(new ByteArrayInputStream(part), 4 << 20)) {
                    assertThat(got.toArray()).isEqualTo(part);
                    peak = Math.max(peak, g.reservedBytes());
                }
            }
        }
        assertThat(chunks.allocated).hasSize(1);
        assertThat(peak).isEqualTo(CHUNK);
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void aSmallDeclaredBodyGetsASmallFirstChunk() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        byte[] data = random(4096, 3);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK, 4096 + 200)) {
            assertThat(buf.readPart(new ByteArrayInputStream(data), 4 << 20).toArray()).isEqualTo(data);
            assertThat(chunks.allocated).containsExactly(4096 + 201);
            // the 4,297-byte chunk takes a 4,608-byte slot of its size class: that, and nothing else, is reserved
            assertThat(g.reservedBytes()).isEqualTo(4608).isEqualTo(chunks.allocator().allocatedBytes());
        }
    }

    @Test
    void aPartReadOnTheHeapAlsoReservesItsArray() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        byte[] data = random(CHUNK + 5, 6);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            assertThat(buf.readPartOnHeap(new ByteArrayInputStream(data), 4 << 20)).isEqualTo(data);
            assertThat(g.reservedBytes()).isEqualTo(2L * CHUNK + HeapFootprint.ofByteArray(data.length));
            buf.releasePart();
            assertThat(g.reservedBytes()).isEqualTo(CHUNK);
        }
    }

    @Test
    void aNewPartWhileTheLastIsHeldIsAnError() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            buf.readPart(new ByteArrayInputStream(new byte[10]), 100);
            assertThatThrownBy(() -> buf.readPart(new ByteArrayInputStream(new byte[10]), 100))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void overTheLimitReadsOneByteMoreAndAnswersNull() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        byte[] data = random(CHUNK * 2, 4);
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            assertThat(buf.readPart(in, CHUNK)).isNull();
            assertThat(in.available()).isEqualTo(data.length - CHUNK - 1);
            assertThat(buf.readPart(new ByteArrayInputStream(data, 0, CHUNK), CHUNK).size()).isEqualTo(CHUNK);
        }
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void aRefusedChunkStopsTheReadBeforeItIsAllocated() {
        // Room for two chunks under the 95 % line, not five.
        long budget = (long) ((3L * CHUNK) / 0.95);
        ManualMemoryGovernor g = new ManualMemoryGovernor(budget);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            assertThatThrownBy(() -> buf.readPart(new ByteArrayInputStream(random(5 * CHUNK, 5)), 8 << 20))
                    .isInstanceOf(MemoryPressureException.class);
            assertThat(chunks.allocated.size()).isLessThanOrEqualTo(3);
        }
        assertThat(g.reservedBytes()).isZero();
    }
}
