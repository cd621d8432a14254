package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.server.gateway.GatewayConfig;
import io.cairn.server.http.GatewayHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cairn.server.TestHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot raw GETs of cached blocks are answered on Jetty's I/O thread (no hand-off to a virtual
 * thread), with the blocking path's headers, bytes and pinning; everything else still goes to a
 * virtual thread. The gateway runs here as CairnServer runs it: a thread pool whose virtual-thread
 * executor is the one Jetty dispatches blocking work to, wrapped to count the hand-offs.
 */
class InlineHotGetTest {
    static final AtomicInteger handOffs = new AtomicInteger();
    static ExecutorService virtual;
    static Server jetty;
    static URI base;
    static int port;
    static CachingBlockstore store;
    static Block small;
    static Block large;

    @BeforeAll
    static void start() throws Exception {
        store = CachingBlockstore.wrap(new MemoryBlockstore(), CachingBlockstore.Options.defaults());
        Random rnd = new Random(7);
        byte[] s = new byte[4096];
        rnd.nextBytes(s);
        byte[] l = new byte[256 * 1024];
        rnd.nextBytes(l);
        small = Block.raw(s);
        large = Block.raw(l);
        store.put(small);
        store.put(large);

        virtual = Executors.newVirtualThreadPerTaskExecutor();
        Executor counting = task -> {
            handOffs.incrementAndGet();
            virtual.execute(task);
        };
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setVirtualThreadsExecutor(counting);
        jetty = new Server(pool);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new GatewayHandler(store, GatewayConfig.trustlessOnly()));
        jetty.start();
        port = connector.getLocalPort();
        base = URI.create("http://127.0.0.1:" + port);
        // a first read of each brings it into the content cache (on a virtual thread: it reads the store)
        for (Block b : List.of(small, large)) {
            assertThat(get(base, "/ipfs/" + b.cid() + "?format=raw").body()).isEqualTo(b.bytes());
            assertThat(store.contentCached(b.cid())).isTrue();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        virtual.close();
        store.close();
    }

    /** Failed before: every request, hot or not, was handed to a virtual thread (20 hand-offs here). */
    @Test
    void hotRawGetsOfCachedBlocksAreNotHandedToAVirtualThread() throws Exception {
        int before = handOffs.get();
        for (int i = 0; i < 10; i++) {
            assertThat(get(base, "/ipfs/" + small.cid() + "?format=raw").body()).isEqualTo(small.bytes());
            assertThat(get(base, "/ipfs/" + large.cid(), "Accept", "application/vnd.ipld.raw").body()).isEqualTo(large.bytes());
        }
        assertThat(handOffs.get() - before).as("requests handed to a virtual thread").isZero();
        assertThat(store.contentPins()).isZero();
    }

    @Test
    void requestsThatMightBlockStillGoToAVirtualThread() throws Exception {
        int before = handOffs.get();
        assertThat(get(base, "/ipfs/" + small.cid() + "?format=raw", "Range", "bytes=0-9").statusCode()).isEqualTo(206);
        assertThat(get(base, "/ipfs/" + small.cid() + "?format=car").statusCode()).isEqualTo(200);
        assertThat(get(base, "/ipfs/" + small.cid() + "?format=raw", "If-None-Match", "\"x\"").statusCode()).isEqualTo(200);
        assertThat(get(base, "/ipfs/not-a-cid?format=raw").statusCode()).isEqualTo(400);
        Block absent = Block.raw("not stored".getBytes(StandardCharsets.UTF_8));
        assertThat(get(base, "/ipfs/" + absent.cid() + "?format=raw").statusCode()).isEqualTo(404);
        assertThat(handOffs.get() - before).isEqualTo(5);
    }

    /** The same headers as the blocking path gives the same block. */
    @Test
    void inlineAnswersCarryTheBlockingPathsHeaders() throws Exception {
        for (Block b : List.of(small, large)) {
            HttpResponse<byte[]> inline = get(base, "/ipfs/" + b.cid() + "?format=raw");
            // If-None-Match that does not match: the blocking path, an ordinary 200
            HttpResponse<byte[]> blocking = get(base, "/ipfs/" + b.cid() + "?format=raw", "If-None-Match", "\"other\"");
            assertThat(inline.statusCode()).isEqualTo(200);
            assertThat(blocking.statusCode()).isEqualTo(200);
            assertThat(withoutDate(inline.headers().map())).isEqualTo(withoutDate(blocking.headers().map()));
            assertThat(inline.body()).isEqualTo(b.bytes());
            assertThat(blocking.body()).isEqualTo(b.bytes());
        }
    }

    /**
     * A client that pipelines GETs of a large cached block and reads nothing fills its socket: the
     * pending write holds the block pinned but must not hold the I/O thread, which serves another
     * connection meanwhile; the pin goes when the client hangs up.
     */
    @Test
    void aClientThatStopsReadingDoesNotStallTheIoThread() throws Exception {
        byte[] one = ("GET /ipfs/" + large.cid() + "?format=raw HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            OutputStream out = stuck.getOutputStream();
            for (int i = 0; i < 64; i++) {
                out.write(one);
            }
            out.flush();
            assertThat(waitForPins(1)).as("pins while the write waits for the client").isEqualTo(1);
            for (int i = 0; i < 5; i++) {
                assertThat(get(base, "/ipfs/" + small.cid() + "?format=raw").body()).isEqualTo(small.bytes());
            }
            stuck.setSoLinger(true, 0);
        }
        assertThat(waitForPins(0)).as("pins after the client hung up").isZero();
    }

    private static long waitForPins(long want) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long pins;
        while ((pins = store.contentPins()) != want && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return pins;
    }

    private static List<String> withoutDate(Map<String, List<String>> headers) {
        List<String> out = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("date")) {
                out.add(name.toLowerCase(java.util.Locale.ROOT) + ": " + values);
            }
        });
        out.sort(null);
        return out;
    }

}
