package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.server.gateway.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.header;
import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's HTTP surface: CORS and preflight, Content-Disposition from ?filename=, HTTP/2 over cleartext. */
class GatewayHttpTest {
    static ServerExtension ext;
    static URI gw;
    static Block block;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        gw = ext.server.gatewayUri();
        block = ext.putRandomBlock(3000, 5);
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    @Test
    void everyResponseCarriesCorsHeadersAndOptionsIsAPreflight() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + block.cid() + "?format=raw", "Origin", "https://app.example");
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(r, "Access-Control-Expose-Headers")).contains("X-Ipfs-Roots").contains("Content-Range").contains("Etag");
        // errors too, so that a page can read why
        HttpResponse<byte[]> missing = get(gw, "/ipfs/" + Block.raw("absent".getBytes()).cid() + "?format=raw");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(header(missing, "Access-Control-Allow-Origin")).isEqualTo("*");

        HttpResponse<byte[]> pre = TestHttp.send(HttpRequest.newBuilder(gw.resolve("/ipfs/" + block.cid()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "Range"));
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(header(pre, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(pre, "Access-Control-Allow-Methods")).contains("GET").contains("HEAD").contains("OPTIONS");
        assertThat(header(pre, "Access-Control-Allow-Headers")).contains("Range");
        assertThat(header(pre, "Access-Control-Max-Age")).isNotNull();
    }

    @Test
    void corsCanBeTurnedOffOrNarrowedToOneOrigin() throws Exception {
        try (ServerExtension off = new ServerExtension(c -> c.withGateway(new GatewayConfig(GatewayConfig.Deserialized.OFF, "")));
             ServerExtension one = new ServerExtension(c -> c.withGateway(new GatewayConfig(GatewayConfig.Deserialized.OFF,
                     "https://app.example")))) {
            Block b = off.putRandomBlock(100, 1);
            HttpResponse<byte[]> r = get(off.server.gatewayUri(), "/ipfs/" + b.cid() + "?format=raw");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "Access-Control-Allow-Origin")).isNull();
            one.server.blockstore().put(b);
            assertThat(header(get(one.server.gatewayUri(), "/ipfs/" + b.cid() + "?format=raw"), "Access-Control-Allow-Origin"))
                    .isEqualTo("https://app.example");
        }
    }

    @Test
    void filenameNamesTheAttachment() throws Exception {
        assertThat(header(get(gw, "/ipfs/" + block.cid() + "?format=raw&filename=data.bin"), "Content-Disposition"))
                .isEqualTo("attachment; filename=\"data.bin\"");
        assertThat(header(get(gw, "/ipfs/" + block.cid() + "?format=car&filename=my.car"), "Content-Disposition"))
                .isEqualTo("attachment; filename=\"my.car\"");
        assertThat(header(get(gw, "/ipfs/" + block.cid() + "?format=raw&filename=%C3%A9t%C3%A9.bin"), "Content-Disposition"))
                .isEqualTo("attachment; filename=\"_t_.bin\"; filename*=UTF-8''%C3%A9t%C3%A9.bin");
    }

    @Test
    void http2OverCleartextIsServedBesideHttp11() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        try (h2) {
            // The first request upgrades the connection (Upgrade: h2c); the second runs on HTTP/2 from the start.
            HttpRequest req = HttpRequest.newBuilder(gw.resolve("/ipfs/" + block.cid() + "?format=raw"))
                    .timeout(Duration.ofSeconds(30)).GET().build();
            HttpResponse<byte[]> first = h2.send(req, HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> second = h2.send(req, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(first.body()).isEqualTo(block.bytes());
            assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(second.body()).isEqualTo(block.bytes());
        }
        assertThat(get(gw, "/ipfs/" + block.cid() + "?format=raw").version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void serviceWorkerRegistrationIsRefused() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + block.cid() + "/?format=raw", "Service-Worker", "script");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestHttp.text(r)).contains("service worker");
    }

    @Test
    void methodsOtherThanGetHeadOptionsAre405() throws Exception {
        HttpResponse<byte[]> put = TestHttp.send(HttpRequest.newBuilder(gw.resolve("/ipfs/" + block.cid()))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(header(put, "Allow")).isEqualTo("GET, HEAD");
    }
}
