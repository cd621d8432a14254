package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.ipld.DagCbor;
import io.cairn.unixfs.FileVisitor;
import io.cairn.unixfs.UnixFs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trustless gateway beyond single blocks, per the IPFS trustless-gateway spec: content paths
 * through UnixFS (plain and HAMT-sharded, DAGs built by ipfs-unixfs-importer) and dag-cbor,
 * dag-scope, entity-bytes, the car-* parameters, identity blocks and a block missing mid-stream.
 */
class GatewayTrustlessTest extends UnixFsServerTest {
    /** The CAR's blocks, each checked against its CID (a CAR block that does not hash fails here). */
    static List<Block> car(HttpResponse<byte[]> r) throws IOException {
        assertThat(r.statusCode()).as(TestHttp.text(r)).isEqualTo(200);
        CarReader car = CarReader.open(new ByteArrayInputStream(r.body()));
        List<Block> out = new ArrayList<>();
        for (CarBlock b = car.next(); b != null; b = car.next()) {
            out.add(Block.verified(b.cid(), b.data()));
        }
        return out;
    }

    static List<Cid> cids(List<Block> blocks) {
        return blocks.stream().map(Block::cid).toList();
    }

    @Test
    void rawPathThroughDirectoriesServesTheFileBlockWithEveryRoot() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + tree + "/sub/note.md?format=raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sha256(r.body())).isEqualTo(UnixFsFixtures.expected("tree.sha256.sub/note.md"));
        assertThat(header(r, "X-Ipfs-Path")).isEqualTo("/ipfs/" + tree + "/sub/note.md");
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(tree + "," + UnixFsFixtures.cid("tree.path.sub") + ","
                + UnixFsFixtures.cid("tree.path.sub/note.md"));
        assertThat(header(r, "Etag")).isEqualTo("\"" + UnixFsFixtures.cid("tree.path.sub/note.md") + ".raw\"");

        assertThat(get(gw, "/ipfs/" + tree + "/sub/absent.md?format=raw").statusCode()).isEqualTo(404);
        assertThat(head(gw, "/ipfs/" + tree + "/sub/absent.md?format=raw").statusCode()).isEqualTo(404);
        assertThat(get(gw, "/ipfs/" + tree + "/hello.txt/below?format=raw").statusCode()).isEqualTo(404);
    }

    @Test
    void carOfAPathSendsOneBlockPerPlainDirectorySegmentFirst() throws Exception {
        List<Block> blocks = car(get(gw, "/ipfs/" + tree + "/sub/note.md?format=car&dag-scope=block"));
        assertThat(cids(blocks)).containsExactly(tree, UnixFsFixtures.cid("tree.path.sub"),
                UnixFsFixtures.cid("tree.path.sub/note.md"));
        CarReader header = CarReader.open(new ByteArrayInputStream(get(gw, "/ipfs/" + tree + "/sub/note.md?format=car").body()));
        assertThat(header.roots()).containsExactly(tree);
    }

    @Test
    void hamtPathsAreProvenByTheShardsOnTheWay() throws Exception {
        Cid leaf = UnixFsFixtures.cid("hamt.path.inner/leaf.txt");
        Cid inner = UnixFsFixtures.cid("hamt.path.inner");
        List<Block> blocks = car(get(gw, "/ipfs/" + hamt + "/inner/leaf.txt?format=car&dag-scope=block"));
        assertThat(blocks.getFirst().cid()).isEqualTo(hamt);
        assertThat(blocks.getLast().cid()).isEqualTo(leaf);
        assertThat(cids(blocks)).contains(inner);
        // Everything between the root and the inner directory is a HAMT shard: the lookup proof, nothing else.
        for (Block b : blocks.subList(1, cids(blocks).indexOf(inner))) {
            assertThat(UnixFs.kind(b)).isEqualTo(UnixFs.Kind.HAMT_DIRECTORY);
        }
        // The CAR alone proves the path: a resolver over just these blocks reaches the leaf.
        MemoryBlockstore only = new MemoryBlockstore();
        blocks.forEach(only::put);
        HttpResponse<byte[]> raw = get(gw, "/ipfs/" + hamt + "/inner/leaf.txt?format=raw");
        assertThat(sha256(raw.body())).isEqualTo(UnixFsFixtures.expected("hamt.sha256.inner/leaf.txt"));
        for (String f : List.of("f000.txt", "f042.txt", "f099.txt")) {
            assertThat(sha256(get(gw, "/ipfs/" + hamt + "/" + f + "?format=raw").body()))
                    .isEqualTo(UnixFsFixtures.expected("hamt.sha256." + f));
        }
        assertThat(get(gw, "/ipfs/" + hamt + "/f100.txt?format=raw").statusCode()).isEqualTo(404);
    }

    @Test
    void dagScopesSelectBlockEntityAndAll() throws Exception {
        Cid big = UnixFsFixtures.cid("tree.path.big.bin");
        List<Block> block = car(get(gw, "/ipfs/" + tree + "/big.bin?format=car&dag-scope=block"));
        assertThat(cids(block)).containsExactly(tree, big);

        List<Block> entity = car(get(gw, "/ipfs/" + tree + "/big.bin?format=car&dag-scope=entity"));
        // the directory, then the file's 8 blocks (root, 2 intermediate nodes, 5 leaves)
        assertThat(entity).hasSize(9);
        assertThat(entity.get(1).cid()).isEqualTo(big);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        MemoryBlockstore only = new MemoryBlockstore();
        entity.forEach(only::put);
        UnixFs.read(only::get, only.get(big), bytesTo(content));
        assertThat(sha256(content.toByteArray())).isEqualTo(UnixFsFixtures.expected("tree.sha256.big.bin"));

        // entity of a directory: its own block, not its children
        assertThat(cids(car(get(gw, "/ipfs/" + tree + "?format=car&dag-scope=entity")))).containsExactly(tree);
        // entity of a HAMT: the root and every shard, no entries
        List<Block> shards = car(get(gw, "/ipfs/" + hamt + "?format=car&dag-scope=entity"));
        assertThat(shards.size()).isGreaterThan(1);
        for (Block b : shards) {
            assertThat(UnixFs.kind(b)).isEqualTo(UnixFs.Kind.HAMT_DIRECTORY);
        }
        // all: the whole DAG below the root
        assertThat(car(get(gw, "/ipfs/" + tree + "?format=car&dag-scope=all"))).hasSize(UnixFsFixtures.blocks("tree").size());
        assertThat(get(gw, "/ipfs/" + tree + "?format=car&dag-scope=most").statusCode()).isEqualTo(400);
    }

    @Test
    void entityBytesSendsTheMinimalBlocksAndItsOwnEtag() throws Exception {
        Cid big = UnixFsFixtures.cid("tree.path.big.bin");
        String base = "/ipfs/" + tree + "/big.bin?format=car";
        byte[] whole = get(gw, "/ipfs/" + tree + "/big.bin?format=raw").body().length == 0 ? null : null;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        MemoryBlockstore full = new MemoryBlockstore();
        UnixFsFixtures.blocks("tree").forEach(full::put);
        UnixFs.read(full::get, full.get(big), bytesTo(all));
        byte[] file = all.toByteArray();

        record Case(String param, long from, long to, int fileBlocks) { }
        for (Case c : List.of(
                new Case("4096:4106", 4096, 4106, 3),        // root, first intermediate, second leaf
                new Case("0:*", 0, 19999, 8),                 // the whole file
                new Case("-100:*", 19900, 19999, 3),          // the last leaf only, through the second intermediate
                new Case("4000:-16000", 4000, 4000, 3),       // to counted from the end: byte 4000 alone
                new Case("4000:-16001", 4000, 3999, 1),       // resolves to nothing: the root alone
                new Case("100:99999", 100, 19999, 8))) {      // runs past the end: clamped
            HttpResponse<byte[]> r = get(gw, base + "&entity-bytes=" + c.param());
            List<Block> blocks = car(r);
            assertThat(blocks.getFirst().cid()).as(c.param()).isEqualTo(tree);
            assertThat(blocks.get(1).cid()).as(c.param()).isEqualTo(big);
            assertThat(blocks).as(c.param()).hasSize(1 + c.fileBlocks());
            // the blocks sent are enough to read the range, and the range reads back right
            MemoryBlockstore only = new MemoryBlockstore();
            blocks.forEach(only::put);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            if (c.to() >= c.from()) {
                UnixFs.readRange(only::get, only.get(big), c.from(), c.to(), bytesTo(got));
                assertThat(got.toByteArray()).as(c.param()).isEqualTo(Arrays.copyOfRange(file, (int) c.from(), (int) c.to() + 1));
            }
            assertThat(header(r, "Etag")).as(c.param()).contains("bytes");
        }
        assertThat(header(get(gw, base + "&entity-bytes=0:10"), "Etag"))
                .isNotEqualTo(header(get(gw, base + "&entity-bytes=0:11"), "Etag"))
                .isNotEqualTo(header(get(gw, base + "&dag-scope=entity"), "Etag"));
        assertThat(get(gw, base + "&entity-bytes=20000:*").statusCode()).isEqualTo(400);
        assertThat(get(gw, base + "&entity-bytes=abc").statusCode()).isEqualTo(400);
        assertThat(get(gw, base + "&entity-bytes=10:5").statusCode()).isEqualTo(400);
        assertThat(get(gw, base + "&entity-bytes=0:5&dag-scope=all").statusCode()).isEqualTo(400);
        // on a directory entity-bytes is ignored: the same as dag-scope=entity
        assertThat(cids(car(get(gw, "/ipfs/" + tree + "?format=car&entity-bytes=0:10")))).containsExactly(tree);
        assertThat(whole).isNull();
    }

    /** A dag-cbor root whose links repeat a leaf, and link an identity CID and a stored leaf. */
    static Block cbor(Object value) {
        byte[] bytes = DagCbor.encode(value);
        return Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, bytes), bytes);
    }

    @Test
    void carParametersTakePrecedenceOverAcceptAndDupsAreHonoured() throws Exception {
        Block leaf = Block.raw("dup leaf".getBytes());
        Block root = cbor(Map.of("l", List.of(leaf.cid(), leaf.cid())));
        ext.server.blockstore().put(leaf);
        ext.server.blockstore().put(root);
        String path = "/ipfs/" + root.cid();

        HttpResponse<byte[]> dflt = get(gw, path + "?format=car");
        assertThat(cids(car(dflt))).containsExactly(root.cid(), leaf.cid());
        assertThat(header(dflt, "Content-Type")).isEqualTo("application/vnd.ipld.car; version=1; order=dfs; dups=n");

        // format=car with Accept's dups=y: Accept's CAR parameters are kept
        HttpResponse<byte[]> acceptDups = get(gw, path + "?format=car", "Accept", "application/vnd.ipld.car; version=1; order=dfs; dups=y");
        assertThat(cids(car(acceptDups))).containsExactly(root.cid(), leaf.cid(), leaf.cid());
        assertThat(header(acceptDups, "Content-Type")).endsWith("dups=y");
        assertThat(header(acceptDups, "Content-Location")).isNull();

        // car-dups=n wins over Accept's dups=y, and the Content-Location names the format
        HttpResponse<byte[]> overridden = get(gw, path + "?car-dups=n", "Accept", "application/vnd.ipld.car; dups=y");
        assertThat(cids(car(overridden))).containsExactly(root.cid(), leaf.cid());
        assertThat(header(overridden, "Content-Location")).contains("format=car").contains("car-dups=n");
        assertThat(header(get(gw, path + "?car-dups=y&format=car"), "Content-Type")).endsWith("dups=y");
        assertThat(header(get(gw, path + "?format=car&car-dups=y"), "Etag"))
                .isNotEqualTo(header(dflt, "Etag"));

        assertThat(get(gw, path + "?format=car&car-version=2").statusCode()).isEqualTo(406);
        assertThat(get(gw, path + "?format=car&car-order=random").statusCode()).isEqualTo(400);
        assertThat(get(gw, path + "?format=car&car-dups=maybe").statusCode()).isEqualTo(400);
        assertThat(header(get(gw, path, "Accept", "application/vnd.ipld.car; order=unk"), "Content-Type"))
                .contains("order=dfs");
        // Accept's order: q decides between raw and CAR
        assertThat(header(get(gw, path, "Accept", "application/vnd.ipld.raw;q=0.5, application/vnd.ipld.car"), "Content-Type"))
                .startsWith("application/vnd.ipld.car");
    }

    @Test
    void identityBlocksAreNeverWrittenIntoACar() throws Exception {
        Cid identity = Cid.v1(Multicodec.RAW, Multihash.of(0x00, "inline".getBytes()));
        Block leaf = Block.raw("stored leaf".getBytes());
        Block root = cbor(Map.of("a", identity, "b", leaf.cid()));
        ext.server.blockstore().put(leaf);
        ext.server.blockstore().put(root);
        assertThat(cids(car(get(gw, "/ipfs/" + root.cid() + "?format=car")))).containsExactly(root.cid(), leaf.cid());
        // an identity root: a CAR with the header alone
        assertThat(car(get(gw, "/ipfs/" + identity + "?format=car"))).isEmpty();
        assertThat(car(get(gw, "/ipfs/" + identity + "?format=car&dag-scope=block"))).isEmpty();
    }

    @Test
    void aChildMissingMidStreamEndsTheCarUnfinished() throws Exception {
        Block first = Block.raw("first child".getBytes());
        Block absent = Block.raw("never stored".getBytes());
        Block third = Block.raw("third child".getBytes());
        Block root = cbor(Map.of("l", List.of(first.cid(), absent.cid(), third.cid())));
        ext.server.blockstore().put(first);
        ext.server.blockstore().put(third);
        ext.server.blockstore().put(root);
        // The status is already 200 when the gap is found: the response must end without the final chunk.
        assertThatThrownBy(() -> get(gw, "/ipfs/" + root.cid() + "?format=car")).isInstanceOf(IOException.class);
        // a missing root is a clean 404, GET and HEAD
        assertThat(get(gw, "/ipfs/" + absent.cid() + "?format=car").statusCode()).isEqualTo(404);
        assertThat(head(gw, "/ipfs/" + absent.cid() + "?format=car").statusCode()).isEqualTo(404);
        // and the gateway still serves afterwards
        assertThat(get(gw, "/ipfs/" + first.cid() + "?format=raw").statusCode()).isEqualTo(200);
    }

    @Test
    void dagCborAndDagJsonPathsResolveFieldsAndLinks() throws Exception {
        Block leaf = Block.raw("cbor leaf".getBytes());
        byte[] jsonBytes = ("{\"list\":[{\"/\":\"" + leaf.cid() + "\"}],\"n\":1}").getBytes();
        Block json = Block.of(Cid.of(Multicodec.DAG_JSON, HashFunction.SHA2_256, jsonBytes), jsonBytes);
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("next", json.cid());
        Block root = cbor(Map.of("a", inner));
        for (Block b : List.of(leaf, json, root)) {
            ext.server.blockstore().put(b);
        }
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + root.cid() + "/a/next/list/0?format=raw");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(leaf.bytes());
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(root.cid() + "," + json.cid() + "," + leaf.cid());
        assertThat(cids(car(get(gw, "/ipfs/" + root.cid() + "/a/next/list/0?format=car"))))
                .containsExactly(root.cid(), json.cid(), leaf.cid());
        // a path that ends inside a block: that block is the terminal
        assertThat(get(gw, "/ipfs/" + root.cid() + "/a?format=raw").body()).isEqualTo(root.bytes());
        assertThat(get(gw, "/ipfs/" + root.cid() + "/b?format=raw").statusCode()).isEqualTo(404);
        assertThat(get(gw, "/ipfs/" + root.cid() + "/a/next/list/7?format=raw").statusCode()).isEqualTo(404);
        assertThat(get(gw, "/ipfs/" + root.cid() + "/a/next/n/x?format=raw").statusCode()).isEqualTo(404);
    }

    @Test
    void headAnswersEveryGetWithoutABody() throws Exception {
        for (String p : List.of("/ipfs/" + tree + "/big.bin?format=car", "/ipfs/" + tree + "/big.bin?format=raw",
                "/ipfs/" + tree + "/sub/note.md?format=car&dag-scope=block", "/ipfs/" + hamt + "/inner?format=car&dag-scope=entity",
                "/ipfs/" + tree + "/hello.txt", "/ipfs/" + tree + "/")) {
            HttpResponse<byte[]> g = get(gw, p);
            HttpResponse<byte[]> h = head(gw, p);
            assertThat(h.statusCode()).as(p).isEqualTo(g.statusCode()).isEqualTo(200);
            assertThat(h.body()).as(p).isEmpty();
            assertThat(header(h, "Etag")).as(p).isEqualTo(header(g, "Etag"));
            assertThat(header(h, "Content-Type")).as(p).isEqualTo(header(g, "Content-Type"));
        }
    }

    static FileVisitor bytesTo(ByteArrayOutputStream out) {
        return new FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) {
                out.write(data, off, len);
            }
        };
    }
}
