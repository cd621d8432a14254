package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kubo-rpc-client (installed by .ci/setup-js) pins, lists, unpins and collects garbage against a live
 * server through {@code src/test/js/kubo-pins.mjs}; the script fails on any mismatch and this test
 * checks its report against the store. Skipped, with the reason, without node or the package.
 */
class KuboPinGcClientTest {
    static final Path JS = NodeScripts.JS;

    @Test
    void kuboRpcClientPinsListsUnpinsAndCollects() throws Exception {
        assumeTrue(Files.isDirectory(JS.resolve("node_modules/kubo-rpc-client")),
                "kubo-rpc-client is not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");

        try (ServerExtension ext = new ServerExtension(c -> c.withApiToken("pin-token"))) {
            Process p = new ProcessBuilder("node", "kubo-pins.mjs", ext.server.apiUri().toString(), "pin-token")
                    .directory(JS.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("node script finished in time").isTrue();
            assertThat(p.exitValue()).as("node exit; stderr: " + err).isZero();

            JsonNode s = TestHttp.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
            assertThat(s.get("firstGc").asInt()).isEqualTo(1);
            assertThat(s.get("secondGc").asInt()).isEqualTo(2);
            // Kubo's "no limit" is 2^64-1; JSON.parse reads it as a double, which rounds it to 2^64, exactly as
            // it does against Kubo itself.
            assertThat(s.get("storageMax").asText()).isIn("18446744073709551615", "18446744073709551616");
            var store = ext.server.blockstore();
            assertThat(store.has(Cid.parse(s.get("direct").asText()))).isTrue();
            for (String gone : new String[] {"root", "leaf", "garbage"}) {
                assertThat(store.has(Cid.parse(s.get(gone).asText()))).as(gone).isFalse();
            }
            assertThat(store.allKeys().count()).isEqualTo(1);
        }
    }
}
