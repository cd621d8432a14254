package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.postMultipart;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v0/dag/put}, {@code dag/get} and {@code dag/stat} over dag-json, dag-cbor and dag-pb. */
class DagRpcTest {
    static ServerExtension ext;
    static URI api;
    static Cid tree;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        api = ext.server.apiUri();
        tree = UnixFsFixtures.load("tree", ext.server.blockstore());
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    @Test
    void putEncodesCanonicallyAndGetRendersBack() throws Exception {
        Block leaf = Block.raw("leaf".getBytes());
        ext.server.blockstore().put(leaf);
        String json = "{\"z\": 1, \"a\": {\"/\": \"" + leaf.cid() + "\"}, \"b\": {\"/\": {\"bytes\": \"AQI\"}}}";
        HttpResponse<byte[]> put = postMultipart(api, "/api/v0/dag/put", List.of(new TestHttp.Part("file", json.getBytes())));
        assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
        Cid cid = Cid.parse(json(put).get("Cid").get("/").asText());
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", 1L);
        value.put("a", leaf.cid());
        value.put("b", new byte[] {1, 2});
        byte[] cbor = DagCbor.encode(value);
        assertThat(cid).isEqualTo(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, cbor));
        assertThat(ext.server.blockstore().get(cid).bytes()).isEqualTo(cbor);

        assertThat(text(post(api, "/api/v0/dag/get?arg=" + cid)))
                .isEqualTo("{\"a\":{\"/\":\"" + leaf.cid() + "\"},\"b\":{\"/\":{\"bytes\":\"AQI\"}},\"z\":1}");
        assertThat(post(api, "/api/v0/dag/get?arg=" + cid + "&output-codec=dag-cbor").body()).isEqualTo(cbor);
        // a path through the node and its link
        assertThat(text(post(api, "/api/v0/dag/get?arg=" + cid + "/a"))).isEqualTo("{\"/\":{\"bytes\":\"bGVhZg\"}}");

        // store as dag-json
        HttpResponse<byte[]> asJson = postMultipart(api, "/api/v0/dag/put?store-codec=dag-json",
                List.of(new TestHttp.Part("file", json.getBytes())));
        Cid jsonCid = Cid.parse(json(asJson).get("Cid").get("/").asText());
        assertThat(jsonCid.codec()).isEqualTo(Multicodec.DAG_JSON);
        assertThat(new String(ext.server.blockstore().get(jsonCid).bytes()))
                .isEqualTo("{\"a\":{\"/\":\"" + leaf.cid() + "\"},\"b\":{\"/\":{\"bytes\":\"AQI\"}},\"z\":1}");

        assertThat(postMultipart(api, "/api/v0/dag/put", List.of(new TestHttp.Part("file", "{not json".getBytes()))).statusCode())
                .isEqualTo(400);
        assertThat(postMultipart(api, "/api/v0/dag/put?store-codec=git-raw", List.of(new TestHttp.Part("file", json.getBytes())))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void getRendersDagPbAndStatCountsTheDag() throws Exception {
        String pb = text(post(api, "/api/v0/dag/get?arg=" + tree));
        assertThat(pb).contains("\"Links\"").contains("\"Name\":\"big.bin\"").contains("\"Data\"");
        HttpResponse<byte[]> stat = post(api, "/api/v0/dag/stat?arg=" + tree);
        assertThat(stat.statusCode()).isEqualTo(200);
        JsonNode s = json(stat);
        List<Block> blocks = UnixFsFixtures.blocks("tree");
        long bytes = blocks.stream().mapToLong(Block::size).sum();
        assertThat(s.get("UniqueBlocks").asInt()).isEqualTo(blocks.size());
        assertThat(s.get("TotalSize").asLong()).isEqualTo(bytes);
        assertThat(s.get("DagStats").get(0).get("NumBlocks").asInt()).isEqualTo(blocks.size());
        assertThat(post(api, "/api/v0/dag/stat").statusCode()).isEqualTo(400);
    }
}
