package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.server.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deserialized responses (on by default on loopback): UnixFS files with content types and Range,
 * directories with index.html or an HTML listing, IPLD rendered as dag-json / dag-cbor; and the
 * strict trustless mode that refuses them.
 */
class GatewayDeserializedTest extends UnixFsServerTest {
    @Test
    void filesAreServedWithTheirTypeAndRanges() throws Exception {
        HttpResponse<byte[]> hello = get(gw, "/ipfs/" + tree + "/hello.txt");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(text(hello)).isEqualTo("hello world\n");
        assertThat(header(hello, "Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(header(hello, "Etag")).isEqualTo("\"" + UnixFsFixtures.cid("tree.path.hello.txt") + "\"");
        assertThat(header(hello, "Content-Disposition")).isNull();

        HttpResponse<byte[]> big = get(gw, "/ipfs/" + tree + "/big.bin");
        assertThat(sha256(big.body())).isEqualTo(UnixFsFixtures.expected("tree.sha256.big.bin"));
        assertThat(header(big, "Content-Length")).isEqualTo("20000");
        assertThat(header(big, "Content-Type")).isEqualTo("application/octet-stream");
        // a range across two 4 KiB leaves
        HttpResponse<byte[]> part = get(gw, "/ipfs/" + tree + "/big.bin", "Range", "bytes=4000-4200");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(header(part, "Content-Range")).isEqualTo("bytes 4000-4200/20000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(big.body(), 4000, 4201));
        assertThat(get(gw, "/ipfs/" + tree + "/big.bin", "Range", "bytes=20000-").statusCode()).isEqualTo(416);
        // the same through a HAMT
        assertThat(sha256(get(gw, "/ipfs/" + hamt + "/inner/leaf.txt").body()))
                .isEqualTo(UnixFsFixtures.expected("hamt.sha256.inner/leaf.txt"));
    }

    @Test
    void downloadAndFilenameSetTheDisposition() throws Exception {
        assertThat(header(get(gw, "/ipfs/" + tree + "/hello.txt?download=true"), "Content-Disposition"))
                .isEqualTo("attachment; filename=\"hello.txt\"");
        HttpResponse<byte[]> named = get(gw, "/ipfs/" + tree + "/hello.txt?filename=greeting.html");
        assertThat(header(named, "Content-Disposition")).isEqualTo("inline; filename=\"greeting.html\"");
        assertThat(header(named, "Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(header(get(gw, "/ipfs/" + tree + "/hello.txt?filename=g.txt&download=true"), "Content-Disposition"))
                .isEqualTo("attachment; filename=\"g.txt\"");
    }

    @Test
    void directoriesRedirectToASlashThenServeIndexHtmlOrAListing() throws Exception {
        HttpResponse<byte[]> redirect = get(gw, "/ipfs/" + tree + "/sub");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(header(redirect, "Location")).isEqualTo("/ipfs/" + tree + "/sub/");

        HttpResponse<byte[]> index = get(gw, "/ipfs/" + tree + "/sub/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(text(index)).isEqualTo("<h1>sub</h1>\n");
        assertThat(header(index, "Content-Type")).isEqualTo("text/html; charset=utf-8");

        HttpResponse<byte[]> listing = get(gw, "/ipfs/" + tree + "/");
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(header(listing, "Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(text(listing)).contains("href=\"hello.txt\"").contains("href=\"big.bin\"").contains("href=\"sub\"")
                .contains(UnixFsFixtures.expected("tree.path.sub"));

        String hamtListing = text(get(gw, "/ipfs/" + hamt + "/"));
        for (int i = 0; i < 100; i++) {
            assertThat(hamtListing).contains("href=\"f" + String.format("%03d", i) + ".txt\"");
        }
        assertThat(hamtListing).contains("href=\"inner\"");
        assertThat(head(gw, "/ipfs/" + hamt + "/").body()).isEmpty();
    }

    @Test
    void ipldBlocksRenderAsDagJsonAndDagCbor() throws Exception {
        Block leaf = Block.raw("x".getBytes());
        byte[] cbor = DagCbor.encode(Map.of("name", "cairn", "n", 3L, "link", leaf.cid(), "b", new byte[] {1, 2}));
        Block root = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, cbor), cbor);
        ext.server.blockstore().put(root);
        ext.server.blockstore().put(leaf);
        HttpResponse<byte[]> json = get(gw, "/ipfs/" + root.cid() + "?format=dag-json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(header(json, "Content-Type")).isEqualTo("application/vnd.ipld.dag-json");
        // keys in byte order, as DAG-JSON requires; a link as {"/": cid}, bytes as {"/": {"bytes": base64}}
        assertThat(text(json)).isEqualTo("{\"b\":{\"/\":{\"bytes\":\"AQI\"}},\"link\":{\"/\":\"" + leaf.cid()
                + "\"},\"n\":3,\"name\":\"cairn\"}");
        // and back: dag-json stored, dag-cbor asked for, through Accept
        byte[] jsonBytes = json.body();
        Block stored = Block.of(Cid.of(Multicodec.DAG_JSON, HashFunction.SHA2_256, jsonBytes), jsonBytes);
        ext.server.blockstore().put(stored);
        HttpResponse<byte[]> back = get(gw, "/ipfs/" + stored.cid(), "Accept", "application/vnd.ipld.dag-cbor");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo(cbor);
        assertThat(header(back, "Content-Location")).contains("format=dag-cbor");
        // dag-pb as dag-json
        HttpResponse<byte[]> pb = get(gw, "/ipfs/" + tree + "?format=dag-json");
        assertThat(text(pb)).contains("\"Links\"").contains("\"Name\":\"hello.txt\"");
        // raw cannot be rendered as dag-json
        assertThat(get(gw, "/ipfs/" + leaf.cid() + "?format=dag-json").statusCode()).isEqualTo(406);
    }

    @Test
    void aStrictTrustlessGatewayRefusesDeserializedResponses() throws Exception {
        try (ServerExtension strict = new ServerExtension(c -> c.withGateway(GatewayConfig.trustlessOnly()))) {
            URI s = strict.server.gatewayUri();
            UnixFsFixtures.load("tree", strict.server.blockstore());
            HttpResponse<byte[]> noAccept = get(s, "/ipfs/" + tree + "/hello.txt");
            assertThat(noAccept.statusCode()).isEqualTo(400);
            assertThat(text(noAccept)).contains("format=raw");
            assertThat(get(s, "/ipfs/" + tree + "/hello.txt", "Accept", "text/html").statusCode()).isEqualTo(406);
            assertThat(get(s, "/ipfs/" + tree + "?format=dag-json").statusCode()).isEqualTo(406);
            assertThat(get(s, "/ipfs/" + tree + "/hello.txt?format=raw").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void deserializedIsOnByDefaultOnLoopbackOnly() {
        ServerConfig loopback = ServerConfig.defaults(Path.of("/tmp/x"));
        assertThat(loopback.effectiveGateway().serveDeserialized()).isTrue();
        ServerConfig open = ServerConfig.builder(Path.of("/tmp/x")).bindAddress("0.0.0.0").apiToken("token").build();
        assertThat(open.effectiveGateway().serveDeserialized()).isFalse();
        assertThat(open.withGateway(GatewayConfig.withDeserialized()).effectiveGateway().serveDeserialized()).isTrue();
        assertThat(List.of(loopback.gateway().corsOrigin())).containsExactly("*");
    }
}
