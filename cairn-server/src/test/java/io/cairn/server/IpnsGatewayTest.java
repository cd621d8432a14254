package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.ipns.IpnsName;
import io.cairn.ipns.IpnsRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * IPNS over HTTP: {@code key/gen}/{@code key/list}, {@code name/publish}/{@code name/resolve},
 * {@code routing/put}/{@code routing/get} with the specification's test vectors, and the gateway's
 * {@code /ipns/{name}[/path]} (resolved through the record store, cached for the record's TTL) and
 * {@code ?format=ipns-record}. Keys are private files; bad, expired and V1-only records are refused.
 */
class IpnsGatewayTest {
    static ServerExtension ext;
    static URI api;
    static URI gw;
    static String tree;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        api = ext.server.apiUri();
        gw = ext.server.gatewayUri();
        tree = UnixFsFixtures.load("tree", ext.server.blockstore()).toString();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    static byte[] vector(String file) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("..", "cairn-blockstore", "src", "test", "resources", "ipns",
                file + ".ipns-record"))) {
            return in.readAllBytes();
        }
    }

    static HttpResponse<byte[]> routingPut(String name, byte[] record) throws Exception {
        return TestHttp.postMultipart(api, "/api/v0/routing/put?arg=/ipns/" + name, List.of(new TestHttp.Part("file", record)));
    }

    @Test
    void publishResolveAndServeThroughTheGateway() throws Exception {
        JsonNode key = json(post(api, "/api/v0/key/gen?arg=site&type=ed25519"));
        String name = key.get("Id").asText();
        assertThat(key.get("Name").asText()).isEqualTo("site");
        assertThat(name).startsWith("k51");
        assertThat(post(api, "/api/v0/key/gen?arg=site").statusCode()).isEqualTo(400);
        assertThat(post(api, "/api/v0/key/gen?arg=x&type=rsa").statusCode()).isEqualTo(400);
        JsonNode keys = json(post(api, "/api/v0/key/list"));
        assertThat(keys.get("Keys").get(0).get("Name").asText()).isEqualTo("self");
        assertThat(keys.get("Keys").findValuesAsText("Name")).contains("site");
        // the keys are the server user's alone
        Path store = ext.dir.resolve("keystore");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("key_site")))).isEqualTo("rw-------");

        JsonNode pub = json(post(api, "/api/v0/name/publish?arg=/ipfs/" + tree + "&key=site&lifetime=2h&ttl=90s"));
        assertThat(pub.get("Name").asText()).isEqualTo(name);
        assertThat(pub.get("Value").asText()).isEqualTo("/ipfs/" + tree);
        assertThat(json(post(api, "/api/v0/name/resolve?arg=/ipns/" + name)).get("Path").asText()).isEqualTo("/ipfs/" + tree);

        HttpResponse<byte[]> hello = get(gw, "/ipns/" + name + "/hello.txt");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(text(hello)).isEqualTo("hello world\n");
        assertThat(header(hello, "Cache-Control")).isEqualTo("public, max-age=90");
        assertThat(header(hello, "X-Ipfs-Path")).isEqualTo("/ipns/" + name + "/hello.txt");
        assertThat(header(hello, "X-Ipfs-Roots")).startsWith(tree + ",");
        assertThat(get(gw, "/ipns/" + name + "/hello.txt?format=raw").statusCode()).isEqualTo(200);
        assertThat(get(gw, "/ipns/" + name + "/missing").statusCode()).isEqualTo(404);

        HttpResponse<byte[]> rec = get(gw, "/ipns/" + name, "Accept", "application/vnd.ipfs.ipns-record");
        assertThat(rec.statusCode()).isEqualTo(200);
        assertThat(header(rec, "Content-Type")).isEqualTo("application/vnd.ipfs.ipns-record");
        assertThat(header(rec, "Content-Location")).isEqualTo("/ipns/" + name + "?format=ipns-record");
        assertThat(header(rec, "Content-Disposition")).isEqualTo("attachment; filename=\"" + name + ".ipns-record\"");
        assertThat(header(rec, "Cache-Control")).isEqualTo("public, max-age=90");
        IpnsRecord r = IpnsRecord.verified(rec.body(), IpnsName.parse(name), Instant.now());
        assertThat(r.value()).isEqualTo("/ipfs/" + tree);
        assertThat(head(gw, "/ipns/" + name + "?format=ipns-record").body()).isEmpty();
        assertThat(get(gw, "/ipns/" + name + "/hello.txt?format=ipns-record").statusCode()).isEqualTo(400);
        assertThat(get(gw, "/ipfs/" + tree + "?format=ipns-record").statusCode()).isEqualTo(400);

        // publishing again moves the sequence on and the gateway follows
        String sub = UnixFsFixtures.cid("tree.path.sub").toString();
        post(api, "/api/v0/name/publish?arg=" + sub + "&key=site");
        HttpResponse<byte[]> again = get(gw, "/ipns/" + name + "?format=ipns-record");
        assertThat(IpnsRecord.parse(again.body()).sequence()).isEqualTo(1);
        assertThat(get(gw, "/ipns/" + name + "/note.md").statusCode()).isEqualTo(200);
        // an /ipns/ value is followed to the /ipfs/ path it ends at
        String other = json(post(api, "/api/v0/key/gen?arg=alias")).get("Id").asText();
        post(api, "/api/v0/name/publish?arg=/ipns/" + name + "&key=alias");
        assertThat(json(post(api, "/api/v0/name/resolve?arg=" + other)).get("Path").asText()).isEqualTo("/ipfs/" + sub);
        assertThat(json(post(api, "/api/v0/name/resolve?arg=" + other + "&recursive=false")).get("Path").asText())
                .isEqualTo("/ipns/" + name);
        assertThat(get(gw, "/ipns/" + other + "/note.md").statusCode()).isEqualTo(200);
    }

    @Test
    void theSpecsVectorsGoThroughRoutingPutAsTheSpecSays() throws Exception {
        String valid = "k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w";
        byte[] record = vector(valid + "_v1-v2");
        assertThat(routingPut(valid, record).statusCode()).isEqualTo(200);
        assertThat(json(post(api, "/api/v0/name/resolve?arg=" + valid)).get("Path").asText())
                .isEqualTo("/ipfs/bafkqaddwgevxmmraojswg33smq");
        HttpResponse<byte[]> served = get(gw, "/ipns/" + valid + "?format=ipns-record");
        assertThat(served.body()).isEqualTo(record);
        JsonNode got = json(post(api, "/api/v0/routing/get?arg=/ipns/" + valid));
        assertThat(java.util.Base64.getDecoder().decode(got.get("Extra").asText())).isEqualTo(record);
        // the identity CID it points at is served through /ipns/
        assertThat(get(gw, "/ipns/" + valid + "?format=raw").statusCode()).isEqualTo(200);

        for (String bad : List.of("k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku_v1",
                "k51qzi5uqu5dlmit2tuwdvnx4sbnyqgmvbxftl0eo3f33wwtb9gr7yozae9kpw_v1-v2-broken-v1-value",
                "k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c_v1-v2-broken-signature-v2")) {
            String n = bad.substring(0, bad.indexOf('_'));
            HttpResponse<byte[]> r = routingPut(n, vector(bad));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(text(r)).contains("invalid IPNS record");
            assertThat(get(gw, "/ipns/" + n).statusCode()).as("nothing was stored for " + n).isEqualTo(404);
        }
        // a record for another name is refused too
        assertThat(routingPut("k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f", record).statusCode()).isEqualTo(400);
    }

    @Test
    void unknownExpiredAndMalformedNamesAreClearErrors() throws Exception {
        HttpResponse<byte[]> unknown = get(gw, "/ipns/k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f/");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(text(unknown)).contains("no IPNS record");
        assertThat(get(gw, "/ipns/not_a_name").statusCode()).isEqualTo(400);
        assertThat(post(api, "/api/v0/name/publish?arg=/ipfs/notacid").statusCode()).isEqualTo(400);
        assertThat(post(api, "/api/v0/name/publish?arg=/ipfs/" + tree + "&lifetime=forever").statusCode()).isEqualTo(400);

        String name = json(post(api, "/api/v0/key/gen?arg=brief")).get("Id").asText();
        assertThat(post(api, "/api/v0/name/publish?arg=/ipfs/" + tree + "&key=brief&lifetime=1s").statusCode()).isEqualTo(200);
        Thread.sleep(1500);
        HttpResponse<byte[]> expired = get(gw, "/ipns/" + name + "/hello.txt");
        assertThat(expired.statusCode()).isEqualTo(502);
        assertThat(text(expired)).contains("expired");
        assertThat(header(expired, "Cache-Control")).isNull();
        assertThat(text(post(api, "/api/v0/name/resolve?arg=" + name))).contains("expired");
    }
}
