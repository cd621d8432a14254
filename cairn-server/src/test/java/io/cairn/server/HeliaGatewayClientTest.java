package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import io.cairn.cid.Varint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real third-party gateway client: Helia ({@code @helia/http}, installed by .ci/setup-js) with the
 * trustless-gateway block broker as its only broker and the Cairn gateway as its only router fetches
 * raw, dag-cbor and UnixFS content from a live server ({@code src/test/js/helia-gateway-client.mjs}).
 * Helia checks every block against its CID; this test checks the sizes and sha256 digests the script
 * reports against the bytes it stored, that each block came through the trustless-gateway broker, and
 * that a CID the store lacks ends in an error from Helia before the script's own timeout. Without
 * node or the installed packages the test is reported as skipped with the reason, never as passed.
 */
class HeliaGatewayClientTest {
    private static final int FETCH_TIMEOUT_MS = 5_000;
    private static final long PROCESS_TIMEOUT_S = 60;

    @TempDir
    Path tmp;

    @Test
    void heliaFetchesBlocksAndAUnixFsFileThroughTheTrustlessGateway() throws Exception {
        for (String pkg : List.of("@helia/http", "@helia/block-brokers", "@helia/routers", "@helia/unixfs", "multiformats")) {
            assumeTrue(NodeScripts.installed(pkg),
                    pkg + " is not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        }
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");

        try (ServerExtension ext = new ServerExtension()) {
            // Blocks fetched one by one with helia.blockstore.get.
            Map<Cid, byte[]> blocks = new LinkedHashMap<>();
            for (Block b : List.of(
                    ext.putRandomBlock(1_000, 1),
                    // Served through the store's memory-mapped view (at least GatewayHandler.VIEW_FROM).
                    ext.putRandomBlock(700_000, 2),
                    put(ext, Block.raw(new byte[0])),
                    put(ext, Block.verified(dagCbor(new byte[] {(byte) 0xa1, 0x61, 0x61, 0x01}),
                            new byte[] {(byte) 0xa1, 0x61, 0x61, 0x01})))) {
                blocks.put(b.cid(), b.bytes());
            }

            // UnixFS files read with @helia/unixfs cat: one dag-pb block under a CIDv0, and a CIDv1
            // dag-pb root over three raw leaves that Helia must fetch by following the links.
            byte[] small = "hello from cairn, through a trustless gateway\n".getBytes(StandardCharsets.UTF_8);
            Block smallFile = put(ext, singleBlockFile(small));
            byte[] big = new byte[600_000];
            new Random(3).nextBytes(big);
            List<Block> bigFile = chunkedFile(big, 262_144);
            bigFile.forEach(b -> put(ext, b));
            Block bigRoot = bigFile.getFirst();

            Cid missing = Block.raw("never stored".getBytes(StandardCharsets.UTF_8)).cid();
            assertThat(ext.server.blockstore().has(missing)).isFalse();

            Map<String, Object> request = new LinkedHashMap<>();
            request.put("blocks", blocks.keySet().stream().map(Cid::toString).toList());
            request.put("files", List.of(smallFile.cid().toString(), bigRoot.cid().toString()));
            request.put("missing", List.of(missing.toString()));
            request.put("timeoutMs", FETCH_TIMEOUT_MS);
            Path requestFile = tmp.resolve("request.json");
            TestHttp.JSON.writeValue(requestFile.toFile(), request);

            JsonNode summary = runScript(ext.server.gatewayUri().toString(), requestFile);

            assertThat(summary.get("blocks")).hasSize(blocks.size());
            int i = 0;
            for (Map.Entry<Cid, byte[]> e : blocks.entrySet()) {
                JsonNode b = summary.get("blocks").get(i++);
                assertThat(b.get("cid").asText()).isEqualTo(e.getKey().toString());
                assertThat(b.get("size").asInt()).as("size of %s", e.getKey()).isEqualTo(e.getValue().length);
                assertThat(b.get("sha256").asText()).as("sha256 of %s", e.getKey()).isEqualTo(sha256(e.getValue()));
                assertThat(texts(b.get("received"))).as("blocks the broker received for %s", e.getKey())
                        .containsExactly(e.getKey().toString());
            }

            assertThat(summary.get("files")).hasSize(2);
            checkFile(summary.get("files").get(0), smallFile.cid(), small, List.of(smallFile));
            checkFile(summary.get("files").get(1), bigRoot.cid(), big, bigFile);

            assertThat(summary.get("missing")).hasSize(1);
            JsonNode miss = summary.get("missing").get(0);
            assertThat(miss.get("cid").asText()).isEqualTo(missing.toString());
            assertThat(miss.get("error").isNull()).as("Helia reported an error for a CID the store lacks: " + miss).isFalse();
            assertThat(miss.get("requests").asInt()).as("Helia asked the gateway for the missing CID").isPositive();
            assertThat(miss.get("received")).isEmpty();
            // Cairn's 404 made Helia give up at once, not the script's abort signal.
            assertThat(miss.get("ms").asLong()).as("time to the error: " + miss).isLessThan(FETCH_TIMEOUT_MS);
        }
    }

    private JsonNode runScript(String gatewayUrl, Path requestFile) throws Exception {
        Path out = tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder("node", "helia-gateway-client.mjs", gatewayUrl, requestFile.toAbsolutePath().toString())
                .directory(NodeScripts.JS.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String stderr = Files.readString(err);
        assertThat(done).as("node script finished within %d s; stderr: %s", PROCESS_TIMEOUT_S, stderr).isTrue();
        assertThat(p.exitValue()).as("node exit; stderr: " + stderr).isZero();
        String last = Files.readString(out).strip().lines().reduce((a, b) -> b).orElseThrow();
        return TestHttp.JSON.readTree(last);
    }

    /** {@code blocks} are the file's root first, then any leaves; all must have come through the gateway. */
    private static void checkFile(JsonNode f, Cid root, byte[] content, List<Block> blocks) {
        assertThat(f.get("cid").asText()).isEqualTo(root.toString());
        assertThat(f.get("type").asText()).isEqualTo("file");
        assertThat(f.get("fileSize").asLong()).isEqualTo(content.length);
        assertThat(f.get("size").asInt()).as("bytes cat returned for " + root).isEqualTo(content.length);
        assertThat(f.get("sha256").asText()).as("sha256 of the file " + root).isEqualTo(sha256(content));
        Set<String> expected = new HashSet<>();
        blocks.forEach(b -> expected.add(b.cid().toString()));
        assertThat(new HashSet<>(texts(f.get("received")))).as("blocks the broker received for " + root)
                .isEqualTo(expected);
    }

    private static Block put(ServerExtension ext, Block b) {
        ext.server.blockstore().put(b);
        return b;
    }

    private static Cid dagCbor(byte[] data) {
        return Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, data);
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // --- A minimal UnixFS writer (dag-pb protobuf by hand), enough for Helia's exporter. ---

    /** A file of one dag-pb block with its bytes inline, named by a CIDv0 (Kubo's old default). */
    private static Block singleBlockFile(byte[] content) {
        byte[] node = pbNode(List.of(), unixfsFile(content, content.length, new long[0]));
        return Block.verified(Cid.v0(Multihash.digest(HashFunction.SHA2_256, node)), node);
    }

    /** A CIDv1 dag-pb root linking raw leaves of {@code chunk} bytes; the root comes first in the list. */
    private static List<Block> chunkedFile(byte[] content, int chunk) {
        List<Block> leaves = new ArrayList<>();
        for (int off = 0; off < content.length; off += chunk) {
            leaves.add(Block.raw(java.util.Arrays.copyOfRange(content, off, Math.min(content.length, off + chunk))));
        }
        List<byte[]> links = new ArrayList<>();
        long[] sizes = new long[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            sizes[i] = leaves.get(i).size();
            links.add(pbLink(leaves.get(i).cid(), sizes[i]));
        }
        byte[] node = pbNode(links, unixfsFile(null, content.length, sizes));
        List<Block> all = new ArrayList<>();
        all.add(Block.verified(Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, node), node));
        all.addAll(leaves);
        return all;
    }

    /** UnixFS Data message: Type = File (2), Data, filesize, blocksizes. */
    private static byte[] unixfsFile(byte[] data, long filesize, long[] blocksizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varintField(out, 1, 2);
        if (data != null) {
            bytesField(out, 2, data);
        }
        varintField(out, 3, filesize);
        for (long s : blocksizes) {
            varintField(out, 4, s);
        }
        return out.toByteArray();
    }

    /** PBLink: Hash, Name (empty, as file chunks have), Tsize. */
    private static byte[] pbLink(Cid cid, long tsize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bytesField(out, 1, cid.toBytes());
        bytesField(out, 2, new byte[0]);
        varintField(out, 3, tsize);
        return out.toByteArray();
    }

    /** PBNode in dag-pb's canonical order: Links (field 2) before Data (field 1). */
    private static byte[] pbNode(List<byte[]> links, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        links.forEach(l -> bytesField(out, 2, l));
        bytesField(out, 1, data);
        return out.toByteArray();
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        out.writeBytes(Varint.encode((long) field << 3));
        out.writeBytes(Varint.encode(value));
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
        out.writeBytes(Varint.encode(((long) field << 3) | 2));
        out.writeBytes(Varint.encode(value.length));
        out.writeBytes(value);
    }
}
