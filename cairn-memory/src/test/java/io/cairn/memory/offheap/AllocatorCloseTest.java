package io.cairn.memory.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Closing an allocator while a write is still sending one of its blocks (the JDK holds the region's
 * arena for the length of the call) waits for the write instead of failing: a store closed right
 * after its last request was answered must close cleanly. The write here is to a pipe nobody reads
 * yet, so it is certainly in the kernel when close begins.
 */
class AllocatorCloseTest {
    @Test
    void closeWaitsForAWriteStillUsingARegion() throws Exception {
        BlockAllocator a = new BlockAllocator(AllocatorConfig.of(64L << 20).withRegionBytes(4L << 20).withPoison(false));
        int size = 1 << 20; // far more than a pipe holds, so the write blocks
        long h = a.allocate(size, Long.MAX_VALUE);
        ByteBuffer bytes = a.segment(h, size).asByteBuffer();
        Pipe pipe = Pipe.open();
        // Own threads: the common pool may have a single thread on a small machine.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            try {
                while (bytes.hasRemaining()) {
                    n += pipe.sink().write(bytes);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return n;
        }, threads);
        Thread.sleep(200); // the writer has filled the pipe and waits in the kernel
        assertThat(write).isNotDone();
        CompletableFuture<Long> drain = CompletableFuture.supplyAsync(() -> {
            ByteBuffer sink = ByteBuffer.allocate(64 << 10);
            long total = 0;
            try {
                Thread.sleep(300);
                while (total < size) {
                    sink.clear();
                    total += pipe.source().read(sink);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return total;
        }, threads);
        assertThatCode(a::close).as("close while a write holds the region").doesNotThrowAnyException();
        assertThat(write.get(10, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(drain.get(10, TimeUnit.SECONDS)).isEqualTo((long) size);
        assertThat(a.mappedBytes()).as("the region was freed once the write returned").isZero();
        threads.shutdown();
    }
}
