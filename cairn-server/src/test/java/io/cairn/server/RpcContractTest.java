package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.ipld.DagCbor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.cairn.server.TestHttp.Part;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.jsonLines;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.postMultipart;
import static io.cairn.server.TestHttp.put;
import static io.cairn.server.TestHttp.putOk;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The Kubo RPC contract of docs/PROTOCOLS.md §2, over real HTTP. */
class RpcContractTest {
    static ServerExtension ext;
    static URI api;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        api = ext.server.apiUri();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void assertKuboError(HttpResponse<byte[]> r, int status, int code) throws Exception {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(header(r, "Content-Type")).startsWith("application/json");
        JsonNode n = json(r);
        assertThat(n.get("Type").asText()).isEqualTo("error");
        assertThat(n.get("Code").asInt()).isEqualTo(code);
        assertThat(n.get("Message").asText()).isNotBlank();
    }

    @Test
    void blockPutDefaultsToRawSha256AndTheCidMatchesTheBytes() throws Exception {
        byte[] data = "hello\n".getBytes();
        HttpResponse<byte[]> r = put(api, data, "");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode n = json(r);
        // Kubo's CID for "hello\n" with the defaults (raw, sha2-256, CIDv1).
        assertThat(n.get("Key").asText()).isEqualTo("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
        assertThat(n.get("Size").asInt()).isEqualTo(6);
        assertThat(ext.server.blockstore().get(Cid.parse(n.get("Key").asText())).bytes()).isEqualTo(data);
    }

    @Test
    void blockPutHonoursCodecHashAndLengthOptions() throws Exception {
        byte[] data = random(300, 1);
        JsonNode cbor = json(put(api, data, "cid-codec=dag-cbor&mhtype=sha2-512"));
        Cid c = Cid.parse(cbor.get("Key").asText());
        assertThat(c.codec()).isEqualTo(Multicodec.DAG_CBOR);
        assertThat(c.multihash()).isEqualTo(Multihash.digest(HashFunction.SHA2_512, data));

        Cid truncated = Cid.parse(json(put(api, data, "mhlen=20")).get("Key").asText());
        assertThat(truncated.multihash()).isEqualTo(Multihash.digest(HashFunction.SHA2_256, data, 20));

        Cid v0 = Cid.parse(json(put(api, data, "format=v0")).get("Key").asText());
        assertThat(v0.version()).isZero();
        assertThat(v0.toString()).startsWith("Qm");

        Cid cborFormat = Cid.parse(json(put(api, data, "format=cbor")).get("Key").asText());
        assertThat(cborFormat.codec()).isEqualTo(Multicodec.DAG_CBOR);
    }

    @Test
    void blockPutRejectsBadOptionsBeforeStoring() throws Exception {
        assertKuboError(put(api, random(10, 2), "format=cbor&cid-codec=dag-pb"), 400, 1);
        assertKuboError(put(api, random(10, 2), "mhtype=md5-nope"), 400, 1);
        assertKuboError(put(api, random(10, 2), "format=v0&mhtype=sha2-512"), 400, 1);
        assertKuboError(put(api, random(10, 2), "mhlen=abc"), 400, 1);
    }

    @Test
    void blockPutAcceptsSeveralPartsWithAnyName() throws Exception {
        byte[] a = random(100, 3);
        byte[] b = random(70_000, 4);
        HttpResponse<byte[]> r = postMultipart(api, "/api/v0/block/put",
                List.of(new Part("file", a), new Part("data", b), new Part("whatever", new byte[0])));
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = jsonLines(r);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("Key").asText()).isEqualTo(Block.raw(a).cid().toString());
        assertThat(lines.get(1).get("Key").asText()).isEqualTo(Block.raw(b).cid().toString());
        assertThat(lines.get(1).get("Size").asInt()).isEqualTo(70_000);
        assertThat(lines.get(2).get("Size").asInt()).isZero();
        assertThat(ext.server.blockstore().get(Block.raw(b).cid()).bytes()).isEqualTo(b);
    }

    @Test
    void bigBlocksNeedAllowBigBlockAndNeverExceedTheServerLimit() throws Exception {
        byte[] big = random(2 * 1024 * 1024 + 1, 5);
        HttpResponse<byte[]> refused = put(api, big, "");
        assertKuboError(refused, 400, 1);
        assertThat(json(refused).get("Message").asText()).startsWith("produced block is over 2MiB");
        assertThat(ext.server.blockstore().has(Block.raw(big).cid())).isFalse();

        HttpResponse<byte[]> allowed = put(api, big, "allow-big-block=true");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(ext.server.blockstore().get(Block.raw(big).cid()).bytes()).isEqualTo(big);

        byte[] huge = random(ext.server.config().maxBlockSize() + 1, 6);
        HttpResponse<byte[]> tooBig = put(api, huge, "allow-big-block=true");
        assertThat(tooBig.statusCode()).isEqualTo(413);
    }

    @Test
    void aRequestWithOneBadPartAcknowledgesNothing() throws Exception {
        byte[] fine = random(100, 11);
        byte[] tooBig = random(2 * 1024 * 1024 + 10, 12);
        HttpResponse<byte[]> r = postMultipart(api, "/api/v0/block/put",
                List.of(new Part("file", fine), new Part("file", tooBig)));
        assertKuboError(r, 400, 1);
        assertThat(text(r)).doesNotContain("\"Key\"");
        assertThat(ext.server.blockstore().has(Block.raw(tooBig).cid())).isFalse();
    }

    @Test
    void blockPutWithoutMultipartIs400() throws Exception {
        HttpResponse<byte[]> r = TestHttp.send(HttpRequest.newBuilder(api.resolve("/api/v0/block/put"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofString("raw")));
        assertKuboError(r, 400, 1);
        HttpResponse<byte[]> truncated = TestHttp.send(HttpRequest.newBuilder(api.resolve("/api/v0/block/put"))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc")));
        assertKuboError(truncated, 400, 1);
    }

    @Test
    void blockGetAndStat() throws Exception {
        byte[] data = random(1234, 7);
        String cid = putOk(api, data);
        HttpResponse<byte[]> g = post(api, "/api/v0/block/get?arg=" + cid);
        assertThat(g.statusCode()).isEqualTo(200);
        assertThat(g.body()).isEqualTo(data);
        assertThat(header(g, "Content-Type")).isEqualTo("application/vnd.ipld.raw");

        HttpResponse<byte[]> s = post(api, "/api/v0/block/stat?arg=" + cid);
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(json(s).get("Key").asText()).isEqualTo(cid);
        assertThat(json(s).get("Size").asInt()).isEqualTo(1234);

        String absent = Block.raw("absent".getBytes()).cid().toString();
        assertKuboError(post(api, "/api/v0/block/get?arg=" + absent), 404, 0);
        assertKuboError(post(api, "/api/v0/block/stat?arg=" + absent), 404, 0);
        HttpResponse<byte[]> malformed = post(api, "/api/v0/block/get?arg=notacid");
        assertKuboError(malformed, 400, 1);
        assertKuboError(post(api, "/api/v0/block/get"), 400, 1);
    }

    @Test
    void everyCommandIsPostOnly() throws Exception {
        for (String cmd : List.of("block/get?arg=bafkqaaa", "block/stat?arg=bafkqaaa", "version", "block/put", "dag/export?arg=bafkqaaa")) {
            HttpResponse<byte[]> r = TestHttp.get(api, "/api/v0/" + cmd);
            assertKuboError(r, 405, 1);
            HttpResponse<byte[]> h = TestHttp.head(api, "/api/v0/" + cmd);
            assertThat(h.statusCode()).isEqualTo(405);
        }
        assertKuboError(post(api, "/api/v0/no/such/command"), 404, 1);
    }

    @Test
    void blockRmReportsRemovedAndMissingAndHonoursForceAndQuiet() throws Exception {
        String a = putOk(api, random(50, 8));
        String b = putOk(api, random(50, 9));
        String absent = Block.raw("never".getBytes()).cid().toString();

        HttpResponse<byte[]> r = post(api, "/api/v0/block/rm?arg=" + a + "&arg=" + absent);
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = jsonLines(r);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("Hash").asText()).isEqualTo(a);
        assertThat(lines.get(0).has("Error")).isFalse();
        assertThat(lines.get(1).get("Hash").asText()).isEqualTo(absent);
        assertThat(lines.get(1).get("Error").asText()).isNotBlank();
        assertThat(ext.server.blockstore().has(Cid.parse(a))).isFalse();

        HttpResponse<byte[]> forced = post(api, "/api/v0/block/rm?arg=" + absent + "&force=true");
        assertThat(jsonLines(forced)).isEmpty();

        HttpResponse<byte[]> quiet = post(api, "/api/v0/block/rm?arg=" + b + "&quiet=true");
        assertThat(jsonLines(quiet)).isEmpty();
        assertThat(ext.server.blockstore().has(Cid.parse(b))).isFalse();
    }

    @Test
    void versionAnswersWithCairnValues() throws Exception {
        HttpResponse<byte[]> r = post(api, "/api/v0/version");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode v = json(r);
        assertThat(v.get("Version").asText()).isEqualTo(CairnServer.version());
        for (String k : List.of("Commit", "Repo", "System", "Golang")) {
            assertThat(v.has(k)).as(k).isTrue();
        }
    }

    /** A small DAG: root(dag-cbor) -> [leafA, mid(dag-cbor) -> [leafB]]. */
    record Dag(Block root, List<Block> all) {
    }

    static Dag dag(String salt) {
        Block leafA = Block.raw(("leaf a " + salt).getBytes());
        Block leafB = Block.raw(("leaf b " + salt).getBytes());
        byte[] midBytes = DagCbor.encode(Map.of("l", List.of(leafB.cid())));
        Block mid = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, midBytes), midBytes);
        byte[] rootBytes = DagCbor.encode(Map.of("l", List.of(leafA.cid(), mid.cid())));
        Block root = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, rootBytes), rootBytes);
        return new Dag(root, List.of(root, leafA, mid, leafB));
    }

    static byte[] carV1(Dag d) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(d.root().cid()));
        for (Block b : d.all()) {
            w.write(b.cid(), b.bytes());
        }
        w.flush();
        return out.toByteArray();
    }

    /** CARv2: pragma, 40-byte header (characteristics, data offset, data size, index offset), v1 payload. */
    static byte[] carV2(byte[] v1) {
        byte[] pragma = {0x0a, (byte) 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02};
        ByteBuffer h = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[16]).putLong(51).putLong(v1.length).putLong(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pragma);
        out.writeBytes(h.array());
        out.writeBytes(v1);
        return out.toByteArray();
    }

    @Test
    void dagImportTakesCarV1AndV2AndReportsRootsAndStats() throws Exception {
        for (boolean v2 : List.of(false, true)) {
            Dag d = dag(v2 ? "v2" : "v1");
            byte[] car = v2 ? carV2(carV1(d)) : carV1(d);
            HttpResponse<byte[]> r = postMultipart(api, "/api/v0/dag/import?stats=true", List.of(new Part("file", car)));
            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
            List<JsonNode> lines = jsonLines(r);
            assertThat(lines.get(0).get("Root").get("Cid").get("/").asText()).isEqualTo(d.root().cid().toString());
            assertThat(lines.get(0).get("Root").get("PinErrorMsg").asText()).isEmpty();
            assertThat(lines.get(1).get("Stats").get("BlockCount").asLong()).isEqualTo(4);
            for (Block b : d.all()) {
                assertThat(ext.server.blockstore().get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
        }
    }

    @Test
    void dagImportRefusesBlocksThatDoNotMatchTheirCid() throws Exception {
        Block good = Block.raw("genuine".getBytes());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(good.cid()));
        w.write(good.cid(), "forged".getBytes());
        w.flush();
        HttpResponse<byte[]> r = postMultipart(api, "/api/v0/dag/import", List.of(new Part("file", out.toByteArray())));
        assertKuboError(r, 400, 1);
        assertThat(ext.server.blockstore().has(good.cid())).isFalse();
        assertKuboError(postMultipart(api, "/api/v0/dag/import", List.of(new Part("file", "not a car".getBytes()))), 400, 1);
    }

    @Test
    void dagExportStreamsTheReachableBlocksDepthFirst() throws Exception {
        Dag d = dag("export");
        for (Block b : d.all()) {
            ext.server.blockstore().put(b);
        }
        HttpResponse<byte[]> r = post(api, "/api/v0/dag/export?arg=" + d.root().cid());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "X-Stream-Output")).isEqualTo("1");
        CarReader car = CarReader.open(new ByteArrayInputStream(r.body()));
        assertThat(car.roots()).containsExactly(d.root().cid());
        List<Cid> order = new ArrayList<>();
        for (CarBlock b = car.next(); b != null; b = car.next()) {
            order.add(b.cid());
            assertThat(b.data()).isEqualTo(ext.server.blockstore().get(b.cid()).bytes());
        }
        assertThat(order).containsExactlyElementsOf(d.all().stream().map(Block::cid).toList());

        assertKuboError(post(api, "/api/v0/dag/export?arg=" + Block.raw("nope".getBytes()).cid()), 404, 0);
    }
}
