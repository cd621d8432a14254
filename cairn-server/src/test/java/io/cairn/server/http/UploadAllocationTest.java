package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Blockstores;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.cid.Cid;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.SegmentChain;
import io.cairn.server.ops.BlockEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A 1 MiB block/put, from the multipart body to the flatfs file, allocates no heap array of the
 * body's size: the part is read into native chunks, hashed there, and written from there with one
 * gathering write. Measured with the thread's allocation counter on this (platform) thread.
 */
class UploadAllocationTest {
    static final int MIB = 1 << 20;

    @Test
    void aOneMebibytePutAllocatesFarLessThanItsBodyOnTheHeap(@TempDir Path dir) throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeThat(threads.isThreadAllocatedMemorySupported()).as("thread allocation counters").isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        NativeChunks chunks = new NativeChunks(AllocatorConfig.of(Long.MAX_VALUE)
                .withRegionBytes(io.cairn.memory.offheap.NativeBuffers.REGION_BYTES).withPoison(true));
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        try (Blockstore store = Blockstores.layered(Blockstores.flatFs(dir, FlatFsOptions.defaults()), true)) {
            put(store, governor, chunks, body(1)); // warm up: class loading and first-call costs
            byte[] body = body(2);
            long before = threads.getCurrentThreadAllocatedBytes();
            Cid cid = put(store, governor, chunks, body);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            System.out.println("heap bytes allocated by one 1 MiB put: " + allocated);
            // Before this change the part came back as a byte[] of its length (1 MiB), read through
            // 16 heap chunks of 64 KiB: over 2 MiB a put. Now: the multipart window, a scratch
            // array or two, and the small objects of a put.
            assertThat(allocated).as("heap bytes allocated by one 1 MiB put").isLessThan(256 * 1024);
            assertThat(store.get(cid).bytes()).isEqualTo(java.util.Arrays.copyOfRange(body, head().length,
                    head().length + MIB));
        }
        assertThat(governor.reservedBytes()).isZero();
        assertThat(chunks.allocator().allocationCount()).isZero();
        assertThat(chunks.allocator().mappedBytes()).isZero();
    }

    static Cid put(Blockstore store, ManualMemoryGovernor governor, NativeChunks chunks, byte[] body) throws IOException {
        MultipartReader parts = new MultipartReader(new ByteArrayInputStream(body), "b0undary");
        try (ReservedBuffer memory = new ReservedBuffer(governor, chunks, ReservedBuffer.CHUNK, body.length)) {
            MultipartReader.Part part = parts.next();
            SegmentChain data = memory.readPart(part.body(), 2 * MIB);
            Cid cid = BlockEncoding.DEFAULT.cidFor(data);
            try (Block block = Block.over(cid, data)) {
                store.put(block);
            }
            assertThat(parts.next()).isNull();
            return cid;
        }
    }

    static byte[] head() {
        return "--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static byte[] body(long seed) {
        byte[] block = new byte[MIB];
        new Random(seed).nextBytes(block);
        byte[] tail = "\r\n--b0undary--\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(head());
        out.writeBytes(block);
        out.writeBytes(tail);
        return out.toByteArray();
    }

}
