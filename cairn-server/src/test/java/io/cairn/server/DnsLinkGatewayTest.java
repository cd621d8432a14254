package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cid.Cid;
import io.cairn.server.ipns.DnsLink;
import io.cairn.unixfs.BlockSource;
import io.cairn.unixfs.UnixFs;
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
    static String examples;

    @BeforeAll
    static void start() throws Exception {
        Path binary = List.of(Path.of("/usr/sbin/dnsmasq"), Path.of("/usr/bin/dnsmasq")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(binary != null, "dnsmasq is not installed (apt-get install dnsmasq-base; .ci/run installs it)");
        int port = freeTcpAndUdpPort();
        Path dir = Files.createTempDirectory("cairn-dnslink");
        ext = new ServerExtension(c -> c.toBuilder().dnsResolver("127.0.0.1:" + port).build());
        gw = ext.server.gatewayUri();
        api = ext.server.apiUri();
        tree = UnixFsFixtures.load("tree", ext.server.blockstore()).toString();
        keyName = json(post(api, "/api/v0/key/gen?arg=dnslinked")).get("Id").asText();
        assertThat(post(api, "/api/v0/name/publish?arg=/ipfs/" + UnixFsFixtures.cid("tree.path.sub") + "&key=dnslinked")
                .statusCode()).isEqualTo(200);
        Cid redirectsRoot = UnixFsFixtures.loadCar("conformance-redirects", ext.server.blockstore());
        examples = site(redirectsRoot, "examples");
        String invalid = site(redirectsRoot, "invalid");
        String tooLarge = site(redirectsRoot, "too-large");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--keep-in-foreground", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--pid-file",
                "--conf-file=/dev/null", "--local=/test/",
                "--txt-record=_dnslink.site.test,dnslink=/ipfs/" + tree,
                "--txt-record=_dnslink.alias.test,dnslink=/ipns/site.test",
                "--txt-record=_dnslink.key.test,dnslink=/ipns/" + keyName,
                "--txt-record=_dnslink.other.test,not-a-dnslink",
                "--txt-record=_dnslink.redirects.test,dnslink=/ipfs/" + examples,
                "--txt-record=_dnslink.invalid.test,dnslink=/ipfs/" + invalid,
                "--txt-record=_dnslink.large.test,dnslink=/ipfs/" + tooLarge));
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

    static String site(Cid root, String name) {
        return UnixFs.lookup(BlockSource.of(ext.server.blockstore()), ext.server.blockstore().get(root), name, b -> { })
                .orElseThrow().cid().toString();
    }

    /** dnsmasq listens on UDP and TCP: a port free for both. */
    static int freeTcpAndUdpPort() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (java.net.ServerSocket tcp = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), java.net.InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (java.net.BindException taken) {
                // the UDP side is in use: try another
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP on 127.0.0.1");
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

    static RawHttp.Answer onHost(String host, String path) throws Exception {
        return RawHttp.exchange(gw.getPort(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", 10_000);
    }

    /** gateway-conformance's redirects_file "examples" site (see cairn-blockstore's unixfs/README.md), behind a DNSLink Host. */
    @Test
    void redirectsFileRulesApplyToPathsTheSiteDoesNotHave() throws Exception {
        RawHttp.Answer one = onHost("redirects.test", "/redirect-one");
        assertThat(one.status()).isEqualTo(301);
        assertThat(one.header("Location")).isEqualTo("/one.html");
        assertThat(onHost("redirects.test", "/302-redirect-two").status()).isEqualTo(302);
        assertThat(onHost("redirects.test", "/302-redirect-two").header("Location")).isEqualTo("/two.html");
        RawHttp.Answer index = onHost("redirects.test", "/200-index");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("my index");
        assertThat(onHost("redirects.test", "/posts/2022/01/01/hello-world").header("Location"))
                .isEqualTo("/articles/2022/01/01/hello-world");
        assertThat(onHost("redirects.test", "/splat/one.html").header("Location")).isEqualTo("/redirected-splat/one.html");
        // the request's query parameters are kept in the Location
        assertThat(onHost("redirects.test", "/splat/one.html?a=1").header("Location")).isEqualTo("/redirected-splat/one.html?a=1");
        for (int code : new int[] {404, 410, 451}) {
            String prefix = code == 404 ? "/not-found" : code == 410 ? "/gone" : "/unavail";
            RawHttp.Answer page = onHost("redirects.test", prefix + "/has-no-redirects-entry");
            assertThat(page.status()).as(prefix).isEqualTo(code);
            assertThat(page.body()).as(prefix).isNotEmpty();
            assertThat(page.header("Etag")).startsWith("\"");
        }
        assertThat(onHost("redirects.test", "/catch-all").status()).isEqualTo(200);
        // a path the site has is served as it is, not by the catch-all
        RawHttp.Answer real = onHost("redirects.test", "/one.html");
        assertThat(real.status()).isEqualTo(200);
        assertThat(real.body()).isNotEqualTo(index.body());
        // a _redirects that does not parse ("301!") or is over 64 KiB is a 500 saying so
        RawHttp.Answer bad = onHost("invalid.test", "/not-there");
        assertThat(bad.status()).isEqualTo(500);
        assertThat(bad.body()).contains("_redirects line");
        RawHttp.Answer large = onHost("large.test", "/not-there");
        assertThat(large.status()).isEqualTo(500);
        assertThat(large.body()).contains("limit");
        // not origin-isolated: the same paths under /ipfs/ are plain 404s
        assertThat(get(gw, "/ipfs/" + examples + "/redirect-one").statusCode()).isEqualTo(404);
    }
}
