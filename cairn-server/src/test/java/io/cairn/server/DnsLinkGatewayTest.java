package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.server.ipns.DnsLink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DNSLink against a real DNS server: dnsmasq (Debian's dnsmasq-base), started here on 127.0.0.1 and
 * an ephemeral port with {@code --txt-record}s, authoritative for {@code .test}; the server's
 * {@code dns-resolver} points at it. {@code /ipns/{domain}} and a {@code Host:} that is a DNSLink
 * name resolve to /ipfs/ (directly, through another DNSLink, and through an IPNS key). Skipped, with
 * the reason, when dnsmasq is not installed.
 */
class DnsLinkGatewayTest {
    static Process dnsmasq;
    static ServerExtension ext;
    static URI gw;
    static URI api;
    static String tree;
    static String keyName;

    @BeforeAll
    static void start() throws Exception {
        Path binary = List.of(Path.of("/usr/sbin/dnsmasq"), Path.of("/usr/bin/dnsmasq")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(binary != null, "dnsmasq is not installed (apt-get install dnsmasq-base; .ci/run installs it)");
        int port;
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("cairn-dnslink");
        ext = new ServerExtension(c -> c.toBuilder().dnsResolver("127.0.0.1:" + port).build());
        gw = ext.server.gatewayUri();
        api = ext.server.apiUri();
        tree = UnixFsFixtures.load("tree", ext.server.blockstore()).toString();
        keyName = json(post(api, "/api/v0/key/gen?arg=dnslinked")).get("Id").asText();
        assertThat(post(api, "/api/v0/name/publish?arg=/ipfs/" + UnixFsFixtures.cid("tree.path.sub") + "&key=dnslinked")
                .statusCode()).isEqualTo(200);
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--keep-in-foreground", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--pid-file",
                "--conf-file=/dev/null", "--local=/test/",
                "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + tree,
                "--txt-record=_dnslink.alias.test,dnslink=/ipns/site.test",
                "--txt-record=_dnslink.key.test,dnslink=/ipns/" + keyName,
                "--txt-record=_dnslink.other.test,not-a-dnslink"));
        dnsmasq = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        DnsLink probe = new DnsLink("127.0.0.1:" + port);
        for (int i = 0; i < 100 && dnsmasq.isAlive(); i++) {
            try {
                if (probe.lookup("site.test").isPresent()) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("dnsmasq did not answer: " + Files.readString(dir.resolve("dnsmasq.log")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            dnsmasq.waitFor();
        }
        if (ext != null) {
            ext.close();
        }
    }

    @Test
    void ipnsDomainPathsResolveThroughTxtRecords() throws Exception {
        HttpResponse<byte[]> hello = get(gw, "/ipns/site.test/hello.txt");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(text(hello)).isEqualTo("hello world\n");
        assertThat(header(hello, "X-Ipfs-Path")).isEqualTo("/ipns/site.test/hello.txt");
        // JNDI does not expose the DNS TTL: unknown, so no Cache-Control (path-gateway)
        assertThat(header(hello, "Cache-Control")).isNull();
        assertThat(get(gw, "/ipns/alias.test/sub/note.md").statusCode()).isEqualTo(200);
        assertThat(get(gw, "/ipns/key.test/note.md").statusCode()).isEqualTo(200);
        JsonNode resolved = json(post(api, "/api/v0/name/resolve?arg=/ipns/alias.test"));
        assertThat(resolved.get("Path").asText()).isEqualTo("/ipfs/" + tree);

        HttpResponse<byte[]> none = get(gw, "/ipns/nolink.test/");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(text(none)).contains("_dnslink.nolink.test");
        assertThat(get(gw, "/ipns/other.test/").statusCode()).isEqualTo(404);
        assertThat(get(gw, "/ipns/site.test?format=ipns-record").statusCode()).isEqualTo(400);
    }

    @Test
    void aHostThatIsADnsLinkNameServesItsContentAtTheRoot() throws Exception {
        RawHttp.Answer a = RawHttp.exchange(gw.getPort(), "GET /hello.txt HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n", 10_000);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("hello world\n");
        assertThat(a.header("X-Ipfs-Path")).isEqualTo("/ipns/site.test/hello.txt");
        RawHttp.Answer dir = RawHttp.exchange(gw.getPort(), "GET /sub HTTP/1.1\r\nHost: site.test:8080\r\nConnection: close\r\n\r\n", 10_000);
        assertThat(dir.status()).isEqualTo(301);
        assertThat(dir.header("Location")).isEqualTo("/sub/");
        // a Host without a DNSLink record is an ordinary gateway request
        RawHttp.Answer plain = RawHttp.exchange(gw.getPort(), "GET /hello.txt HTTP/1.1\r\nHost: nolink.test\r\nConnection: close\r\n\r\n", 10_000);
        assertThat(plain.status()).isEqualTo(404);
    }
}
