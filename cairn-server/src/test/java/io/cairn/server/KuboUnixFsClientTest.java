package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.ipld.Links;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real kubo-rpc-client through add / addAll / cat / ls / refs / dag.put / dag.get
 * ({@code src/test/js/kubo-unixfs-client.mjs}); the CIDs it reports are checked against IPIP-0499,
 * ipfs-unixfs-importer's vectors and the store. Skipped, with the reason, without node or the package.
 */
class KuboUnixFsClientTest {
    @Test
    void kuboRpcClientAddsCatsListsAndWalks() throws Exception {
        assumeTrue(NodeScripts.installed("kubo-rpc-client"),
                "kubo-rpc-client is not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");
        Properties vectors = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("..", "cairn-blockstore", "src", "test", "resources", "unixfs",
                "add-vectors.properties"))) {
            vectors.load(in);
        }
        try (ServerExtension ext = new ServerExtension()) {
            JsonNode s = NodeScripts.runJson(120, "kubo-unixfs-client.mjs", ext.server.apiUri().toString());

            assertThat(s.get("hello").asText()).isEqualTo("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
            assertThat(s.get("helloV1").asText()).isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
            assertThat(s.get("big").asText()).isEqualTo(vectors.getProperty("kubo.262145"));

            List<JsonNode> added = new java.util.ArrayList<>();
            s.get("addAll").forEach(added::add);
            assertThat(added.stream().map(a -> a.get("path").asText()).toList())
                    .contains("tree/hello.txt", "tree/b.bin", "tree/sub/c.txt", "tree/sub", "tree", "");
            Cid root = Cid.parse(added.getLast().get("cid").asText());

            Map<String, String> ls = new LinkedHashMap<>();
            for (JsonNode e : s.get("ls")) {
                ls.put(e.get("name").asText(), e.get("type").asText() + " " + e.get("size").asLong());
            }
            assertThat(ls).containsEntry("hello.txt", "file 12").containsEntry("b.bin", "file 300000").containsEntry("sub", "dir 0");

            // refs --recursive --unique: every block below the root, each once
            Set<String> expected = new HashSet<>();
            Deque<Cid> todo = new ArrayDeque<>(List.of(root));
            while (!todo.isEmpty()) {
                Block b = ext.server.blockstore().get(todo.pop());
                for (Cid c : Links.of(b.cid(), b.bytes())) {
                    if (expected.add(c.toString())) {
                        todo.push(c);
                    }
                }
            }
            Set<String> refs = new HashSet<>();
            for (JsonNode r : s.get("refs")) {
                assertThat(refs.add(r.asText())).as("unique").isTrue();
            }
            assertThat(refs).isEqualTo(expected);

            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", "cairn");
            node.put("link", Cid.parse(s.get("big").asText()));
            node.put("n", 3L);
            byte[] cbor = DagCbor.encode(node);
            assertThat(s.get("dagPut").asText()).isEqualTo(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, cbor).toString());
        }
    }
}
