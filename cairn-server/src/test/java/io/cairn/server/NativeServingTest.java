package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

import static io.cairn.server.TestHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cached blocks go to the socket from the content cache's native memory, pinned while the write is
 * in progress and released when it ends, a client that hangs up mid-body included. For those tests the
 * servers' send buffers are made small and the client reads nothing past the headers, so the write
 * really stalls.
 * Before blocks under 512 KiB were viewed, the gateway and {@code block/get} copied a cached block
 * onto the heap and let the pin go before writing: no pin was ever seen during the write.
 */
class NativeServingTest {
    static final int SIZE = 256 * 1024;

    static ServerExtension ext;
    static CachingBlockstore caching;
    static Block block;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        caching = caching(ext.server.blockstore());
        block = ext.putRandomBlock(SIZE, 29);
        // a first read brings it into the content cache
        assertThat(get(ext.server.gatewayUri(), "/ipfs/" + block.cid() + "?format=raw").body()).isEqualTo(block.bytes());
        assertThat(caching.contentCached(block.cid())).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    static CachingBlockstore caching(Blockstore store) {
        while (!(store instanceof CachingBlockstore c)) {
            store = ((ForwardingBlockstore) store).delegate();
        }
        return c;
    }

    @Test
    void gatewayWritesACachedBlockFromThePinnedSegmentAndAnAbortUnpinsIt() throws Exception {
        abortMidBody(ext.server.gatewayPort(), "GET /ipfs/" + block.cid() + "?format=raw HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n\r\n");
    }

    @Test
    void blockGetWritesACachedBlockFromThePinnedSegmentAndAnAbortUnpinsIt() throws Exception {
        abortMidBody(ext.server.apiPort(), "POST /api/v0/block/get?arg=" + block.cid() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void aCompletedWriteLeavesNothingPinnedAndServesTheExactBytes() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get(ext.server.gatewayUri(), "/ipfs/" + block.cid() + "?format=raw").body()).isEqualTo(block.bytes());
        }
        // the client can have the last byte before the server's view has returned: wait for it
        assertThat(waitFor(caching::contentPins, 0, 10_000)).isZero();
    }

    /**
     * Heap bytes the whole JVM allocates per hot 256 KiB GET, read off a keep-alive socket into one
     * reused buffer (so the client allocates next to nothing): far below the block's size, because the
     * block is never copied onto the heap. Before, each request copied it (at least 262,144 B).
     */
    @Test
    void aHot256KibGetAllocatesFarLessThanTheBlockOnTheHeap() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] request = ("GET /ipfs/" + block.cid() + "?format=raw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] sink = new byte[64 * 1024];
        try (Socket s = new Socket("127.0.0.1", ext.server.gatewayPort())) {
            int rounds = 100;
            long before = 0;
            for (int i = -20; i < rounds; i++) { // 20 unmeasured rounds first
                if (i == 0) {
                    before = threads.getTotalThreadAllocatedBytes();
                }
                s.getOutputStream().write(request);
                String head = readHead(s.getInputStream());
                assertThat(head).startsWith("HTTP/1.1 200");
                int left = SIZE;
                while (left > 0) {
                    int n = s.getInputStream().read(sink, 0, Math.min(sink.length, left));
                    assertThat(n).isPositive();
                    left -= n;
                }
            }
            long perRequest = (threads.getTotalThreadAllocatedBytes() - before) / rounds;
            assertThat(perRequest).as("heap bytes allocated per request").isLessThan(SIZE / 4);
        }
    }

    private static void abortMidBody(int port, String request) throws Exception {
        for (String name : new String[] {"gateway", "api"}) {
            ext.server.connector(name).setAcceptedSendBufferSize(8192);
        }
        try {
            abortMidBodyWithSmallSendBuffers(port, request);
        } finally {
            for (String name : new String[] {"gateway", "api"}) {
                ext.server.connector(name).setAcceptedSendBufferSize(-1);
            }
        }
    }

    private static void abortMidBodyWithSmallSendBuffers(int port, String request) throws Exception {
        long hitsBefore = caching.contentCacheStats().hits();
        assertThat(caching.contentPins()).isZero();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: " + SIZE);
            // The client reads no more: the write stalls with the block pinned under it.
            assertThat(waitFor(caching::contentPins, 1, 10_000))
                    .as("pins held while the cached block is being written").isEqualTo(1);
            assertThat(caching.contentCacheStats().hits()).isEqualTo(hitsBefore + 1);
            s.setSoLinger(true, 0); // close with a reset, mid-body
        }
        assertThat(waitFor(caching::contentPins, 0, 10_000)).as("pins after the client hung up").isZero();
        // The entry itself is still cached and intact.
        assertThat(get(ext.server.gatewayUri(), "/ipfs/" + block.cid() + "?format=raw").body()).isEqualTo(block.bytes());
        // the client can have the last byte before the server's view has returned: wait for it
        assertThat(waitFor(caching::contentPins, 0, 10_000)).isZero();
    }

    /** Polls until {@code value} is {@code want} or the time is up; returns the last value seen. */
    private static long waitFor(LongSupplier value, long want, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long v = value.getAsLong();
        while (v != want && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.getAsLong();
        }
        return v;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(512);
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the headers: " + b);
            }
            b.append((char) c);
            last4 = (last4 << 8) | c;
        }
        return b.toString();
    }
}
