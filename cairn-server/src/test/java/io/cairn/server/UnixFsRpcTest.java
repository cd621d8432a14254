package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.jsonLines;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v0/cat}, {@code ls} and {@code refs} over the ipfs-unixfs-importer fixtures, against what the exporter read. */
class UnixFsRpcTest extends UnixFsServerTest {
    @Test
    void catStreamsFilesByPathWithOffsetAndLength() throws Exception {
        HttpResponse<byte[]> whole = post(api, "/api/v0/cat?arg=" + tree + "/big.bin");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(sha256(whole.body())).isEqualTo(UnixFsFixtures.expected("tree.sha256.big.bin"));
        HttpResponse<byte[]> part = post(api, "/api/v0/cat?arg=/ipfs/" + tree + "/big.bin&offset=4090&length=20");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 4090, 4110));
        assertThat(post(api, "/api/v0/cat?arg=" + tree + "/big.bin&offset=19990").body())
                .isEqualTo(Arrays.copyOfRange(whole.body(), 19990, 20000));
        assertThat(post(api, "/api/v0/cat?arg=" + tree + "/big.bin&offset=30000").body()).isEmpty();
        assertThat(sha256(post(api, "/api/v0/cat?arg=" + hamt + "/inner/leaf.txt").body()))
                .isEqualTo(UnixFsFixtures.expected("hamt.sha256.inner/leaf.txt"));

        HttpResponse<byte[]> dir = post(api, "/api/v0/cat?arg=" + tree);
        assertThat(dir.statusCode()).isEqualTo(400);
        assertThat(json(dir).get("Message").asText()).contains("not a file");
        assertThat(post(api, "/api/v0/cat?arg=" + tree + "/nope").statusCode()).isEqualTo(404);
        assertThat(post(api, "/api/v0/cat?arg=" + tree + "/big.bin&offset=-1").statusCode()).isEqualTo(400);
        assertThat(post(api, "/api/v0/cat").statusCode()).isEqualTo(400);
    }

    @Test
    void lsListsPlainAndShardedDirectories() throws Exception {
        HttpResponse<byte[]> r = post(api, "/api/v0/ls?arg=" + tree);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        JsonNode object = jsonLines(r).getFirst().get("Objects").get(0);
        assertThat(object.get("Hash").asText()).isEqualTo(tree.toString());
        List<String> rows = new ArrayList<>();
        for (JsonNode l : object.get("Links")) {
            rows.add(l.get("Name").asText() + " " + l.get("Hash").asText() + " " + l.get("Size").asLong() + " " + l.get("Type").asInt());
        }
        assertThat(rows).containsExactlyInAnyOrder(
                "big.bin " + UnixFsFixtures.expected("tree.path.big.bin") + " 20000 2",
                "hello.txt " + UnixFsFixtures.expected("tree.path.hello.txt") + " 12 2",
                "sub " + UnixFsFixtures.expected("tree.path.sub") + " 0 1");

        JsonNode sharded = jsonLines(post(api, "/api/v0/ls?arg=" + hamt)).getFirst().get("Objects").get(0).get("Links");
        Set<String> names = new HashSet<>();
        for (JsonNode l : sharded) {
            names.add(l.get("Name").asText());
        }
        assertThat(names).hasSize(101).contains("f000.txt", "f099.txt", "inner");
        // a file lists no links
        assertThat(jsonLines(post(api, "/api/v0/ls?arg=" + tree + "/hello.txt")).getFirst()
                .get("Objects").get(0).get("Links")).isEmpty();
    }

    @Test
    void refsWalksDirectOrRecursiveAndUnique() throws Exception {
        List<Block> all = UnixFsFixtures.blocks("tree");
        Set<String> everyBlockButTheRoot = new HashSet<>();
        for (Block b : all) {
            if (!b.cid().equals(tree)) {
                everyBlockButTheRoot.add(b.cid().toString());
            }
        }
        List<String> direct = refs("/api/v0/refs?arg=" + tree);
        assertThat(direct).containsExactlyInAnyOrder(UnixFsFixtures.expected("tree.path.big.bin"),
                UnixFsFixtures.expected("tree.path.hello.txt"), UnixFsFixtures.expected("tree.path.sub"));
        List<String> unique = refs("/api/v0/refs?arg=" + tree + "&recursive=true&unique=true");
        assertThat(unique).doesNotHaveDuplicates();
        assertThat(new HashSet<>(unique)).isEqualTo(everyBlockButTheRoot);
        assertThat(refs("/api/v0/refs?arg=" + tree + "&recursive=true&max-depth=1")).containsExactlyElementsOf(direct);
        // depth-first: the big file's children follow it directly
        int bigAt = unique.indexOf(UnixFsFixtures.expected("tree.path.big.bin"));
        assertThat(bigAt).isNotNegative();
    }

    static List<String> refs(String path) throws Exception {
        HttpResponse<byte[]> r = post(api, path);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode n : jsonLines(r)) {
            assertThat(n.get("Err").asText()).isEmpty();
            out.add(n.get("Ref").asText());
        }
        return out;
    }
}
