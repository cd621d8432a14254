package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real third-party client: the npm package kubo-rpc-client (installed by .ci/setup-js) runs
 * put / get / stat / rm against a live server; the script fails on any mismatch and this test also
 * checks what it reports against the store. Without node or the installed package the test is
 * reported as skipped with the reason, never as passed.
 */
class KuboRpcClientTest {
    static final Path JS = NodeScripts.JS;

    @Test
    void kuboRpcClientPutGetStatRm() throws Exception {
        assumeTrue(Files.isDirectory(JS.resolve("node_modules/kubo-rpc-client")),
                "kubo-rpc-client is not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");

        try (ServerExtension ext = new ServerExtension(c -> c.withApiToken("js-token"))) {
            Process p = new ProcessBuilder("node", "kubo-client.mjs", ext.server.apiUri().toString(), "js-token")
                    .directory(JS.toFile()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("node script finished in time").isTrue();
            assertThat(p.exitValue()).as("node exit; stderr: " + err).isZero();

            JsonNode summary = TestHttp.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
            assertThat(summary.get("version").asText()).isEqualTo(CairnServer.version());
            assertThat(summary.get("blocks")).hasSize(4);
            String removed = summary.get("removed").asText();
            for (JsonNode b : summary.get("blocks")) {
                Cid cid = Cid.parse(b.get("cid").asText());
                if (b.get("cid").asText().equals(removed)) {
                    assertThat(ext.server.blockstore().has(cid)).isFalse();
                    continue;
                }
                byte[] stored = ext.server.blockstore().get(cid).bytes();
                assertThat(stored.length).isEqualTo(b.get("size").asInt());
                byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(stored);
                assertThat(HexFormat.of().formatHex(sha)).isEqualTo(b.get("sha256").asText());
            }
            assertThat(summary.get("blocks").get(1).get("cid").asText()).startsWith("bafyrei"); // dag-cbor codec
        }
    }
}
