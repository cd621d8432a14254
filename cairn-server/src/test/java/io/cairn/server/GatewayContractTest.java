package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.server.gateway.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The trustless-gateway contract of docs/PROTOCOLS.md §1, over real HTTP. */
class GatewayContractTest {
    static ServerExtension ext;
    static URI gw;
    static byte[] data;
    static String cid;

    @BeforeAll
    static void start() throws Exception {
        // The strict trustless gateway (no deserialized responses), which is what this contract covers.
        ext = new ServerExtension(c -> c.withGateway(GatewayConfig.trustlessOnly()));
        gw = ext.server.gatewayUri();
        Block b = ext.putRandomBlock(5000, 7);
        data = b.bytes();
        cid = b.cid().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    @Test
    void rawBlockCarriesEveryContractHeader() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(header(r, "Content-Type")).isEqualTo("application/vnd.ipld.raw");
        assertThat(header(r, "Content-Length")).isEqualTo("5000");
        assertThat(header(r, "Content-Disposition")).isEqualTo("attachment; filename=\"" + cid + ".bin\"");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(r, "Etag")).isEqualTo("\"" + cid + ".raw\"");
        assertThat(header(r, "Cache-Control")).isEqualTo("public, max-age=29030400, immutable");
        assertThat(header(r, "X-Ipfs-Path")).isEqualTo("/ipfs/" + cid);
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(cid);
    }

    @Test
    void acceptHeaderSelectsRawAndHeadHasNoBody() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid, "Accept", "application/vnd.ipld.raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);

        HttpResponse<byte[]> h = head(gw, "/ipfs/" + cid, "Accept", "application/vnd.ipld.raw");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        assertThat(header(h, "Content-Length")).isEqualTo("5000");
        assertThat(header(h, "Etag")).isEqualTo("\"" + cid + ".raw\"");
    }

    @Test
    void formatParameterWinsOverAccept() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw", "Accept", "application/vnd.ipld.car");
        assertThat(header(r, "Content-Type")).isEqualTo("application/vnd.ipld.raw");
        assertThat(r.body()).isEqualTo(data);
    }

    @Test
    void emptyIdentityProbeAnswersEmpty200() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/bafkqaaa?format=raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        HttpResponse<byte[]> h = head(gw, "/ipfs/bafkqaaa?format=raw");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(header(h, "Content-Length")).isEqualTo("0");
    }

    @Test
    void missingBlockIs404AndMalformedCidIs400WithReason() throws Exception {
        String absent = Block.raw("not stored".getBytes()).cid().toString();
        assertThat(get(gw, "/ipfs/" + absent + "?format=raw").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> bad = get(gw, "/ipfs/bafy-not-a-cid?format=raw");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(text(bad)).isNotBlank();
        assertThat(header(bad, "Cache-Control")).isNull();
    }

    @Test
    void unservableFormatsAre406() throws Exception {
        assertThat(get(gw, "/ipfs/" + cid + "?format=dag-json").statusCode()).isEqualTo(406);
        assertThat(get(gw, "/ipfs/" + cid, "Accept", "text/html").statusCode()).isEqualTo(406);
        assertThat(get(gw, "/ipfs/" + cid, "Accept", "application/vnd.ipld.car; version=2").statusCode()).isEqualTo(406);
    }

    @Test
    void onlyIfCachedMissIs412AndHitIs200() throws Exception {
        String absent = Block.raw("elsewhere".getBytes()).cid().toString();
        assertThat(get(gw, "/ipfs/" + absent + "?format=raw", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(412);
        assertThat(head(gw, "/ipfs/" + absent + "?format=raw", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(412);
        assertThat(head(gw, "/ipfs/" + cid + "?format=raw", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(200);
    }

    @Test
    void ifNoneMatchOnTheEtagIs304() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw", "If-None-Match", "\"" + cid + ".raw\"");
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "Etag")).isEqualTo("\"" + cid + ".raw\"");
        assertThat(get(gw, "/ipfs/" + cid + "?format=raw", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    }

    @Test
    void singleRangeIs206AndUnsatisfiableIs416() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=100-199");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 100-199/5000");
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));

        HttpResponse<byte[]> suffix = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=-10");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 4990, 5000));

        HttpResponse<byte[]> bad = get(gw, "/ipfs/" + cid + "?format=raw", "Range", "bytes=6000-7000");
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(header(bad, "Content-Range")).isEqualTo("bytes */5000");
    }

    @Test
    void carWithBlockScopeHoldsExactlyThatBlock() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + cid + "?format=car&dag-scope=block");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Type")).startsWith("application/vnd.ipld.car; version=1");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(r, "Content-Disposition")).isEqualTo("attachment; filename=\"" + cid + ".car\"");
        CarReader car = CarReader.open(new ByteArrayInputStream(r.body()));
        assertThat(car.roots()).containsExactly(Cid.parse(cid));
        CarBlock b = car.next();
        assertThat(b.cid()).isEqualTo(Cid.parse(cid));
        assertThat(b.data()).isEqualTo(data);
        assertThat(car.next()).isNull();

        HttpResponse<byte[]> viaAccept = get(gw, "/ipfs/" + cid + "?dag-scope=block",
                "Accept", "application/vnd.ipld.car; version=1; order=dfs; dups=y");
        assertThat(viaAccept.statusCode()).isEqualTo(200);
        assertThat(viaAccept.body()).isEqualTo(r.body());
    }

    @Test
    void carWithScopeAllWalksTheDagDepthFirst() throws Exception {
        Block leafA = Block.raw("leaf a".getBytes());
        Block leafB = Block.raw("leaf b".getBytes());
        byte[] midBytes = DagCbor.encode(Map.of("l", List.of(leafB.cid())));
        Block mid = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, midBytes), midBytes);
        byte[] rootBytes = DagCbor.encode(Map.of("l", List.of(leafA.cid(), mid.cid(), leafA.cid())));
        Block root = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, rootBytes), rootBytes);
        for (Block b : List.of(leafA, leafB, mid, root)) {
            ext.server.blockstore().put(b);
        }
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + root.cid() + "?format=car");
        assertThat(r.statusCode()).isEqualTo(200);
        List<Cid> order = new ArrayList<>();
        CarReader car = CarReader.open(new ByteArrayInputStream(r.body()));
        for (CarBlock b = car.next(); b != null; b = car.next()) {
            order.add(b.cid());
        }
        assertThat(order).containsExactly(root.cid(), leafA.cid(), mid.cid(), leafB.cid());
    }

    @Test
    void gatewayIsReadOnlyAndServesOnlyIpfsPaths() throws Exception {
        HttpResponse<byte[]> post = TestHttp.send(HttpRequest.newBuilder(gw.resolve("/ipfs/" + cid + "?format=raw"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(header(post, "Allow")).isEqualTo("GET, HEAD");
        assertThat(get(gw, "/other").statusCode()).isEqualTo(404);
        // Paths are resolved now (GatewayPathTest); a raw block has no links, so nothing is below it.
        assertThat(get(gw, "/ipfs/" + cid + "/sub/path?format=raw").statusCode()).isEqualTo(404);
    }
}
