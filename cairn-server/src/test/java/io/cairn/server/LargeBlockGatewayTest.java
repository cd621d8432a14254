package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;
import io.cairn.server.http.GatewayHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocks of 512 KiB and more are served through {@code Viewer.view} (memory-mapped by the flatfs
 * store, no heap copy): byte for byte, whole, as a range and as a single-block CAR, with the headers
 * and read metrics of a block read with {@code get}.
 */
class LargeBlockGatewayTest {
    /** Over the flatfs mapping threshold and not a multiple of the page size. */
    static final int SIZE = 3 * 512 * 1024 + 4321;

    static ServerExtension ext;
    static URI gw;
    static byte[] data;
    static String cid;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        gw = ext.server.gatewayUri();
        Block b = ext.putRandomBlock(SIZE, 11);
        data = b.bytes();
        cid = b.cid().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    double reads(String result) {
        return ext.server.registry().counter("cairn.blockstore.gets", "result", result).count();
    }

    @Test
    void wholeBlockIsServedByteForByteAndCountedAsARead() throws Exception {
        double hits = reads("hit");
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(SIZE));
        assertThat(header(r, "Content-Type")).isEqualTo("application/vnd.ipld.raw");
        assertThat(header(r, "Etag")).isEqualTo("\"" + cid + ".raw\"");
        assertThat(header(r, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(cid);
        assertThat(r.body()).isEqualTo(data);
        assertThat(reads("hit")).isEqualTo(hits + 1);

        // Again, now that the size is cached: still the same bytes.
        assertThat(get(gw, "/ipfs/" + cid, "Accept", "application/vnd.ipld.raw").body()).isEqualTo(data);
    }

    @Test
    void rangesAreServedByteForByte() throws Exception {
        int from = 700_000;
        int to = 1_300_000;
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=" + from + "-" + to);
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes " + from + "-" + to + "/" + SIZE);
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(to - from + 1));
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(data, from, to + 1));

        HttpResponse<byte[]> suffix = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=-100");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(data, SIZE - 100, SIZE));

        HttpResponse<byte[]> open = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=1-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(data, 1, SIZE));

        HttpResponse<byte[]> bad = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=" + SIZE + "-" + (SIZE + 10));
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(header(bad, "Content-Range")).isEqualTo("bytes */" + SIZE);
    }

    @Test
    void headAnd304CarryTheSameHeadersWithoutABody() throws Exception {
        HttpResponse<byte[]> h = head(gw, "/ipfs/" + cid + "?format=raw");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(header(h, "Content-Length")).isEqualTo(String.valueOf(SIZE));
        assertThat(h.body()).isEmpty();

        HttpResponse<byte[]> nm = get(gw, "/ipfs/" + cid + "?format=raw", "If-None-Match", "\"" + cid + ".raw\"");
        assertThat(nm.statusCode()).isEqualTo(304);
        assertThat(nm.body()).isEmpty();
    }

    @Test
    void singleBlockCarHoldsTheBlockAndHeadAnnouncesItsLength() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=car&dag-scope=block");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(r.body().length));
        CarReader car = CarReader.open(new ByteArrayInputStream(r.body()));
        assertThat(car.roots()).containsExactly(Cid.parse(cid));
        CarBlock b = car.next();
        assertThat(b.cid()).isEqualTo(Cid.parse(cid));
        assertThat(b.data()).isEqualTo(data);
        assertThat(car.next()).isNull();

        HttpResponse<byte[]> h = head(gw, "/ipfs/" + cid + "?format=car&dag-scope=block");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(header(h, "Content-Length")).isEqualTo(String.valueOf(r.body().length));
        assertThat(h.body()).isEmpty();
    }

    @Test
    void missingLargeCidIsA404CountedAsAMiss() throws Exception {
        double misses = reads("miss");
        byte[] other = data.clone();
        other[0] ^= 1;
        String absent = Block.raw(other).cid().toString();
        assertThat(get(gw, "/ipfs/" + absent + "?format=raw").statusCode()).isEqualTo(404);
        assertThat(reads("miss")).isEqualTo(misses + 1);
    }

    /**
     * The gateway over a bare flatfs store that records how blocks are read: a large block goes through
     * a mapped (direct) view and never through {@code get}; a small one through a view as well.
     */
    @Test
    void largeBlocksAreViewedFromAMappingAndSmallOnesToo() throws Exception {
        Path dir = Files.createTempDirectory("cairn-gateway-view");
        Server jetty = new Server();
        try (FlatFsBlockstore flatfs = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build())) {
            Recording store = new Recording(flatfs);
            Block large = Block.raw(data);
            byte[] smallData = Arrays.copyOf(data, 4000);
            Block small = Block.raw(smallData);
            store.put(large);
            store.put(small);

            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            jetty.setHandler(new GatewayHandler(store));
            jetty.start();
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());

            assertThat(get(base, "/ipfs/" + large.cid() + "?format=raw").body()).isEqualTo(data);
            assertThat(get(base, "/ipfs/" + large.cid() + "?format=raw", "Range", "bytes=10-19").body())
                    .isEqualTo(Arrays.copyOfRange(data, 10, 20));
            assertThat(store.gets.get()).as("get() calls for the large block").isZero();
            assertThat(store.views.get()).isEqualTo(2);
            assertThat(store.directViews.get()).as("views lent a mapped buffer").isEqualTo(2);

            // Small blocks are viewed too: the store's own buffer goes to the socket, no copy.
            assertThat(get(base, "/ipfs/" + small.cid() + "?format=raw").body()).isEqualTo(smallData);
            assertThat(store.gets.get()).isZero();
            assertThat(store.views.get()).isEqualTo(3);
            // Stop serving before the store closes, as CairnServer does: the client can have every
            // byte while the server's write call has not yet returned.
            jetty.stop();
        } finally {
            jetty.stop();
            ServerExtension.deleteTree(dir);
        }
    }

    static final class Recording extends ForwardingBlockstore {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger views = new AtomicInteger();
        final AtomicInteger directViews = new AtomicInteger();

        Recording(Blockstore delegate) {
            super(delegate);
        }

        @Override
        public Block get(Cid cid) {
            gets.incrementAndGet();
            return super.get(cid);
        }

        @Override
        public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
            views.incrementAndGet();
            return super.view(cid, buffer -> {
                if (buffer.isDirect()) {
                    directViews.incrementAndGet();
                }
                return reader.apply(buffer);
            });
        }

        @Override
        public void close() {
            // the test closes the flatfs store itself
        }
    }
}
