package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an upload reserves: the chunks it fills, then the block's exact array; one part at a time. */
class ReservedBufferTest {
    static final int CHUNK = ReservedBuffer.CHUNK;

    /** Allocates heap chunks and records what was allocated. */
    static final class CountingChunks implements UploadChunk.Allocator {
        final List<Integer> allocated = new ArrayList<>();

        @Override
        public UploadChunk allocate(int capacity) {
            allocated.add(capacity);
            return HeapChunks.INSTANCE.allocate(capacity);
        }

        @Override
        public long footprint(int capacity) {
            return HeapChunks.INSTANCE.footprint(capacity);
        }
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
    void aPartReservesItsChunksAndItsExactArrayNotItsDeclaredBody() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        CountingChunks chunks = new CountingChunks();
        byte[] data = random(3 * CHUNK + 100, 1);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            byte[] got = buf.readPart(trickle(data, 7000), 4 << 20);
            assertThat(got).isEqualTo(data);
            // four chunks of 64 KiB (chained, never doubled and copied) and the block's own array
            assertThat(chunks.allocated).containsExactly(CHUNK, CHUNK, CHUNK, CHUNK);
            long expected = 4 * HeapFootprint.ofByteArray(CHUNK) + HeapFootprint.ofByteArray(data.length);
            assertThat(buf.reservedBytes()).isEqualTo(expected);
            assertThat(g.reservedBytes()).isEqualTo(expected);
            buf.releasePart();
            // the first chunk stays for the next part; the rest is given back
            assertThat(g.reservedBytes()).isEqualTo(HeapFootprint.ofByteArray(CHUNK));
        }
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void manyTinyPartsHoldOneChunkAndOnePartAtATime() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        CountingChunks chunks = new CountingChunks();
        long peak = 0;
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            for (int i = 0; i < 3000; i++) {
                byte[] part = random(20, i);
                assertThat(buf.readPart(new ByteArrayInputStream(part), 4 << 20)).isEqualTo(part);
                peak = Math.max(peak, g.reservedBytes());
                buf.releasePart();
            }
        }
        assertThat(chunks.allocated).hasSize(1);
        assertThat(peak).isEqualTo(HeapFootprint.ofByteArray(CHUNK) + HeapFootprint.ofByteArray(20));
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void aSmallDeclaredBodyGetsASmallFirstChunk() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        CountingChunks chunks = new CountingChunks();
        byte[] data = random(4096, 3);
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK, 4096 + 200)) {
            assertThat(buf.readPart(new ByteArrayInputStream(data), 4 << 20)).isEqualTo(data);
            assertThat(chunks.allocated).containsExactly(4096 + 201);
            assertThat(g.reservedBytes()).isEqualTo(HeapFootprint.ofByteArray(4096 + 201) + HeapFootprint.ofByteArray(4096));
        }
    }

    @Test
    void aNewPartWhileTheLastIsHeldIsAnError() throws IOException {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        try (ReservedBuffer buf = new ReservedBuffer(g)) {
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
        try (ReservedBuffer buf = new ReservedBuffer(g)) {
            assertThat(buf.readPart(in, CHUNK)).isNull();
            assertThat(in.available()).isEqualTo(data.length - CHUNK - 1);
            assertThat(buf.readPart(new ByteArrayInputStream(data, 0, CHUNK), CHUNK)).hasSize(CHUNK);
        }
        assertThat(g.reservedBytes()).isZero();
    }

    @Test
    void aRefusedChunkStopsTheReadBeforeItIsAllocated() {
        // Room for two chunks under the 95 % line, not five.
        long budget = (long) ((3 * HeapFootprint.ofByteArray(CHUNK)) / 0.95);
        ManualMemoryGovernor g = new ManualMemoryGovernor(budget);
        CountingChunks chunks = new CountingChunks();
        try (ReservedBuffer buf = new ReservedBuffer(g, chunks, CHUNK)) {
            assertThatThrownBy(() -> buf.readPart(new ByteArrayInputStream(random(5 * CHUNK, 5)), 8 << 20))
                    .isInstanceOf(MemoryPressureException.class);
            assertThat(chunks.allocated.size()).isLessThanOrEqualTo(3);
        }
        assertThat(g.reservedBytes()).isZero();
    }
}
