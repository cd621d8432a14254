package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.ipns.IpnsName;
import io.cairn.ipns.IpnsRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * IPNS against independent implementations ({@code src/test/js/kubo-ipns.mjs}): kubo-rpc-client's
 * {@code key.gen}/{@code key.list}, {@code name.publish}/{@code name.resolve} and
 * {@code routing.put}/{@code routing.get}; the npm {@code ipns} package validating the record Cairn
 * signed (fetched from the gateway) and signing a V1+V2 record that Cairn stores, resolves and serves
 * under {@code /ipns/}; a tampered record refused. Skipped, with the reason, without node or the packages.
 */
class IpnsKuboClientTest {
    @Test
    void kuboRpcClientAndTheIpnsPackageAgreeWithCairn() throws Exception {
        assumeTrue(NodeScripts.installed("kubo-rpc-client") && NodeScripts.installed("ipns"),
                "kubo-rpc-client and ipns are not installed in cairn-server/src/test/js (run .ci/setup-js; needs node and npm)");
        assumeTrue(NodeScripts.nodeWorks(), "node is not on the PATH");
        try (ServerExtension ext = new ServerExtension()) {
            JsonNode s = NodeScripts.runJson(120, "kubo-ipns.mjs", ext.server.apiUri().toString(),
                    ext.server.gatewayUri().toString());
            String cid = s.get("cid").asText();
            String name = s.get("published").get("name").asText();
            assertThat(name).isEqualTo(s.get("keyId").asText()).startsWith("k51");
            assertThat(List.of(s.get("keys").get(0).asText(), s.get("keys").get(1).asText())).containsExactly("self", "js-key");
            assertThat(s.get("published").get("value").asText()).isEqualTo("/ipfs/" + cid);
            assertThat(s.get("resolved").get(0).asText()).isEqualTo("/ipfs/" + cid);
            // the ipns package validated Cairn's record (else the script would have failed) and read it back
            assertThat(s.get("recordStatus").asInt()).isEqualTo(200);
            assertThat(s.get("recordType").asText()).isEqualTo("application/vnd.ipfs.ipns-record");
            assertThat(s.get("cairnRecordValue").asText()).isEqualTo("/ipfs/" + cid);
            assertThat(s.get("cairnRecordTtlNs").asText()).isEqualTo(Long.toString(Duration.ofSeconds(30).toNanos()));
            assertThat(s.get("cairnRecordSequence").asText()).isEqualTo("0");

            // the JS-signed record: accepted, resolved, served back unchanged, and served under /ipns/
            String jsName = s.get("jsName").asText();
            assertThat(s.get("jsResolved").get(0).asText()).isEqualTo("/ipfs/" + cid);
            assertThat(s.get("routingGetSame").asBoolean()).isTrue();
            assertThat(s.get("jsGatewayStatus").asInt()).isEqualTo(200);
            assertThat(s.get("jsGatewayBody").asText()).isEqualTo("hello from ipns\n");
            assertThat(s.get("jsGatewayCacheControl").asText()).matches("public, max-age=(\\d+)");
            byte[] jsRecord = HexFormat.of().parseHex(s.get("jsRecordHex").asText());
            IpnsRecord r = IpnsRecord.verified(jsRecord, IpnsName.parse(jsName), Instant.now());
            assertThat(r.sequence()).isEqualTo(7);
            assertThat(r.v1().signature()).as("the ipns package made a V1+V2 record").isNotNull();
            assertThat(s.get("tamperedRefused").asBoolean()).isTrue();
            assertThat(s.get("tamperedMessage").asText()).contains("signatureV2");
        }
    }
}
