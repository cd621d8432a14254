package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cairn.server.TestHttp.Part;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.jsonLines;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.postMultipart;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** pin/add, pin/rm, pin/ls, repo/gc, repo/stat and dag/import's pin-roots, in Kubo's JSON shapes. */
class PinGcRpcTest {

    /** root(dag-cbor) -> [leaf, mid(dag-cbor) -> [leaf2]] stored directly. */
    record Dag(Block root, Block mid, Block leaf, Block leaf2) {
        List<Block> all() {
            return List.of(root, mid, leaf, leaf2);
        }
    }

    static Block cbor(Object value) {
        byte[] b = DagCbor.encode(value);
        return Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, b), b);
    }

    static Dag dag(String salt) {
        Block leaf = Block.raw(("leaf " + salt).getBytes());
        Block leaf2 = Block.raw(("leaf2 " + salt).getBytes());
        Block mid = cbor(Map.of("l", List.of(leaf2.cid())));
        Block root = cbor(Map.of("l", List.of(leaf.cid(), mid.cid()), "s", salt));
        return new Dag(root, mid, leaf, leaf2);
    }

    static void store(ServerExtension ext, Dag d) {
        d.all().forEach(b -> ext.server.blockstore().put(b));
    }

    static HttpResponse<byte[]> rpc(URI api, String command) throws Exception {
        return post(api, "/api/v0/" + command);
    }

    static void assertError(HttpResponse<byte[]> r, int status, String contains) throws Exception {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(json(r).get("Message").asText()).contains(contains);
        assertThat(json(r).get("Type").asText()).isEqualTo("error");
    }

    @Test
    void pinAddLsRmAndGcFollowKubo() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            URI api = ext.server.apiUri();
            Dag d = dag("a");
            store(ext, d);
            Block loose = ext.putRandomBlock(500, 9);
            Block direct = ext.putRandomBlock(600, 10);

            HttpResponse<byte[]> add = rpc(api, "pin/add?arg=/ipfs/" + d.root().cid());
            assertThat(add.statusCode()).as(text(add)).isEqualTo(200);
            assertThat(json(add).get("Pins").get(0).asText()).isEqualTo(d.root().cid().toString());
            assertThat(rpc(api, "pin/add?arg=" + direct.cid() + "&recursive=false").statusCode()).isEqualTo(200);

            JsonNode keys = json(rpc(api, "pin/ls")).get("Keys");
            assertThat(keys.get(d.root().cid().toString()).get("Type").asText()).isEqualTo("recursive");
            assertThat(keys.get(direct.cid().toString()).get("Type").asText()).isEqualTo("direct");
            assertThat(keys.get(d.leaf2().cid().toString()).get("Type").asText()).isEqualTo("indirect");
            assertThat(keys.size()).isEqualTo(5);
            assertThat(json(rpc(api, "pin/ls?type=indirect")).get("Keys").size()).isEqualTo(3);
            assertThat(json(rpc(api, "pin/ls?type=direct")).get("Keys").fieldNames()).toIterable()
                    .containsExactly(direct.cid().toString());
            List<JsonNode> streamed = jsonLines(rpc(api, "pin/ls?type=recursive&stream=true"));
            assertThat(streamed).hasSize(1);
            assertThat(streamed.getFirst().get("Cid").asText()).isEqualTo(d.root().cid().toString());
            assertThat(streamed.getFirst().get("Type").asText()).isEqualTo("recursive");
            JsonNode one = json(rpc(api, "pin/ls?arg=" + d.mid().cid())).get("Keys");
            assertThat(one.get(d.mid().cid().toString()).get("Type").asText())
                    .isEqualTo("indirect through " + d.root().cid());
            assertError(rpc(api, "pin/ls?arg=" + loose.cid()), 400, "is not pinned");
            assertError(rpc(api, "pin/ls?type=sideways"), 400, "invalid type 'sideways'");
            assertError(rpc(api, "pin/add"), 400, "required");
            assertError(rpc(api, "pin/add?arg=" + d.root().cid() + "&recursive=false"), 400, "already pinned recursively");
            assertError(rpc(api, "pin/add?arg=" + Block.raw("never stored".getBytes()).cid()), 404, "not found");

            // block/rm refuses pinned blocks, as Kubo does
            List<JsonNode> rm = jsonLines(rpc(api, "block/rm?arg=" + d.leaf().cid() + "&arg=" + direct.cid()));
            assertThat(rm.get(0).get("Error").asText()).isEqualTo("pinned via " + d.root().cid());
            assertThat(rm.get(1).get("Error").asText()).isEqualTo("pinned: direct");
            assertThat(ext.server.blockstore().has(d.leaf().cid())).isTrue();

            JsonNode stat = json(rpc(api, "repo/stat"));
            assertThat(stat.get("NumObjects").asLong()).isEqualTo(6);
            long size = d.all().stream().mapToLong(Block::size).sum() + loose.size() + direct.size();
            assertThat(stat.get("RepoSize").asLong()).isEqualTo(size);
            assertThat(stat.get("StorageMax").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
            assertThat(stat.has("RepoPath")).isTrue();
            assertThat(stat.has("Version")).isTrue();
            JsonNode sizeOnly = json(rpc(api, "repo/stat?size-only=true"));
            assertThat(sizeOnly.has("NumObjects")).isFalse();
            assertThat(sizeOnly.get("RepoSize").asLong()).isEqualTo(size);

            HttpResponse<byte[]> gc = rpc(api, "repo/gc");
            assertThat(gc.statusCode()).as(text(gc)).isEqualTo(200);
            List<JsonNode> removed = jsonLines(gc);
            assertThat(removed).hasSize(1);
            assertThat(Cid.parse(removed.getFirst().get("Key").get("/").asText()).multihash())
                    .isEqualTo(loose.cid().multihash());
            assertThat(ext.server.blockstore().has(loose.cid())).isFalse();
            for (Block b : d.all()) {
                assertThat(ext.server.blockstore().has(b.cid())).isTrue();
            }

            assertError(rpc(api, "pin/rm?arg=" + d.root().cid() + "&recursive=false"), 400, "is pinned recursively");
            assertError(rpc(api, "pin/rm?arg=" + d.mid().cid()), 400, "not pinned or pinned indirectly");
            HttpResponse<byte[]> unpin = rpc(api, "pin/rm?arg=" + d.root().cid());
            assertThat(json(unpin).get("Pins").get(0).asText()).isEqualTo(d.root().cid().toString());
            assertThat(jsonLines(rpc(api, "repo/gc?quiet=true"))).isEmpty();
            for (Block b : d.all()) {
                assertThat(ext.server.blockstore().has(b.cid())).isFalse();
            }
            assertThat(ext.server.blockstore().has(direct.cid())).isTrue();
            assertThat(json(rpc(api, "repo/stat")).get("NumObjects").asLong()).isEqualTo(1);
        }
    }

    @Test
    void dagImportPinsItsRootsUnlessToldNot() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            URI api = ext.server.apiUri();
            Dag pinned = dag("pinned");
            Dag unpinned = dag("unpinned");
            HttpResponse<byte[]> r = postMultipart(api, "/api/v0/dag/import", List.of(new Part("file", car(pinned))));
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            JsonNode root = jsonLines(r).getFirst().get("Root");
            assertThat(root.get("Cid").get("/").asText()).isEqualTo(pinned.root().cid().toString());
            assertThat(root.get("PinErrorMsg").asText()).isEmpty();
            r = postMultipart(api, "/api/v0/dag/import?pin-roots=false", List.of(new Part("file", car(unpinned))));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(jsonLines(r)).isEmpty();
            // a CAR whose root's DAG is incomplete: imported, and the pin error says what is missing
            Dag partial = dag("partial");
            r = postMultipart(api, "/api/v0/dag/import", List.of(new Part("file",
                    car(partial.root(), List.of(partial.root(), partial.leaf())))));
            assertThat(jsonLines(r).getFirst().get("Root").get("PinErrorMsg").asText())
                    .contains("not found").contains(partial.mid().cid().toString());

            assertThat(json(rpc(api, "pin/ls?type=recursive")).get("Keys").fieldNames()).toIterable()
                    .containsExactly(pinned.root().cid().toString());
            rpc(api, "repo/gc");
            pinned.all().forEach(b -> assertThat(ext.server.blockstore().has(b.cid())).isTrue());
            unpinned.all().forEach(b -> assertThat(ext.server.blockstore().has(b.cid())).isFalse());
        }
    }

    @Test
    void blockPutWithPinTruePinsTheBlock() throws Exception {
        try (ServerExtension ext = new ServerExtension()) {
            URI api = ext.server.apiUri();
            byte[] data = "pinned on put".getBytes();
            HttpResponse<byte[]> r = TestHttp.put(api, data, "pin=true");
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            String cid = json(r).get("Key").asText();
            assertThat(json(rpc(api, "pin/ls?arg=" + cid)).get("Keys").get(cid).get("Type").asText()).isEqualTo("recursive");
            String loose = TestHttp.putOk(api, "not pinned".getBytes());
            assertThat(jsonLines(rpc(api, "repo/gc"))).hasSize(1);
            assertThat(ext.server.blockstore().has(Cid.parse(cid))).isTrue();
            assertThat(ext.server.blockstore().has(Cid.parse(loose))).isFalse();
        }
    }

    @Test
    void pinsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("cairn-pins-restart");
        try {
            ServerConfig config = ServerConfig.defaults(dir).withPorts(0, 0);
            Dag d = dag("restart");
            Block direct = Block.raw("direct across restarts".getBytes());
            try (CairnServer s = CairnServer.start(config)) {
                d.all().forEach(b -> s.blockstore().put(b));
                s.blockstore().put(direct);
                assertThat(rpc(s.apiUri(), "pin/add?arg=" + d.root().cid()).statusCode()).isEqualTo(200);
                assertThat(rpc(s.apiUri(), "pin/add?arg=" + direct.cid() + "&recursive=false").statusCode()).isEqualTo(200);
            }
            try (CairnServer s = CairnServer.start(config)) {
                JsonNode keys = json(rpc(s.apiUri(), "pin/ls?type=all")).get("Keys");
                assertThat(keys.get(d.root().cid().toString()).get("Type").asText()).isEqualTo("recursive");
                assertThat(keys.get(direct.cid().toString()).get("Type").asText()).isEqualTo("direct");
                assertThat(jsonLines(rpc(s.apiUri(), "repo/gc"))).isEmpty();
            }
        } finally {
            ServerExtension.deleteTree(dir);
        }
    }

    static byte[] car(Dag d) throws Exception {
        return car(d.root(), d.all());
    }

    static byte[] car(Block root, List<Block> blocks) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.cairn.car.CarWriter w = new io.cairn.car.CarWriter(out, List.of(root.cid()));
        for (Block b : new ArrayList<>(blocks)) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        return out.toByteArray();
    }
}
