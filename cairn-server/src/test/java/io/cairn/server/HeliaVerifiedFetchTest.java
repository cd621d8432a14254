package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Helia's verified-fetch ({@code @helia/verified-fetch}, installed by .ci/setup-js) fetches UnixFS
 * files by path through the gateway — plain and HAMT-sharded directories from the
 * ipfs-unixfs-importer fixtures — and the bytes match what ipfs-unixfs-exporter read. Skipped, with
 * the reason, without node or the packages; see the Node 20 notes in HeliaGatewayClientTest.
 */
class HeliaVerifiedFetchTest {
    @Test
    void verifiedFetchReadsFilesByPath() throws Exception {
        assumeTrue(NodeScripts.installed("@helia/verified-fetch") && NodeScripts.installed("@helia/http"),
                "@helia/verified-fetch is not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");
        try (ServerExtension ext = new ServerExtension()) {
            Cid tree = UnixFsFixtures.load("tree", ext.server.blockstore());
            Cid hamt = UnixFsFixtures.load("hamt", ext.server.blockstore());
            List<String> cmd = new ArrayList<>(List.of("node", "helia-verified-fetch.mjs", ext.server.gatewayUri().toString(),
                    tree + "/sub/note.md", tree + "/big.bin", hamt + "/inner/leaf.txt", hamt + "/f042.txt"));
            Process p = new ProcessBuilder(cmd).directory(NodeScripts.JS.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("node script finished in time").isTrue();
            assertThat(p.exitValue()).as("node exit; stderr: " + err).isZero();
            JsonNode results = TestHttp.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
            List<String> expected = List.of(UnixFsFixtures.expected("tree.sha256.sub/note.md"),
                    UnixFsFixtures.expected("tree.sha256.big.bin"), UnixFsFixtures.expected("hamt.sha256.inner/leaf.txt"),
                    UnixFsFixtures.expected("hamt.sha256.f042.txt"));
            assertThat(results).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(results.get(i).get("status").asInt()).as(results.get(i).toString()).isEqualTo(200);
                assertThat(results.get(i).get("sha256").asText()).as(results.get(i).get("path").asText()).isEqualTo(expected.get(i));
            }
        }
    }
}
