package io.cairn.server;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.ipld.DagCbor;
import io.cairn.server.gateway.GatewayConfig;
import io.cairn.unixfs.ImportParams;
import io.cairn.unixfs.UnixFsImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ?format=tar} and {@code Accept: application/x-tar} (IPIP-0288) over the ipfs-unixfs-importer
 * fixtures: the answer is unpacked with the system {@code tar} and every file compared with the
 * SHA-256 that ipfs-unixfs-exporter computed; the headers, HEAD, 304, the 406s, and the stream ending
 * unfinished for a missing block or an entry name that would escape the archive.
 */
class GatewayTarTest extends UnixFsServerTest {
    @TempDir
    Path tmp;

    /** Unpacks {@code archive} with the system tar into a fresh directory; tar must succeed silently. */
    Path untar(byte[] archive) throws Exception {
        Path dest = Files.createTempDirectory(tmp, "x");
        Process p = new ProcessBuilder("tar", "-xf", "-", "-C", dest.toString()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(archive);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tar -x said: " + out).isZero();
        assertThat(out).isEmpty();
        return dest;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static long regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aDirectoryUnpacksToTheExportersBytesWithTheSpecsHeaders() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + tree + "?format=tar");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Type")).isEqualTo("application/x-tar");
        assertThat(header(r, "Content-Disposition")).isEqualTo("attachment; filename=\"" + tree + ".tar\"");
        assertThat(header(r, "Etag")).isEqualTo("W/\"" + tree + ".x-tar\"");
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(tree.toString());
        assertThat(header(r, "X-Ipfs-Path")).isEqualTo("/ipfs/" + tree);
        assertThat(header(r, "Cache-Control")).isEqualTo("public, max-age=29030400, immutable");
        assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(r, "Content-Location")).isNull();
        Path top = untar(r.body()).resolve(tree.toString());
        for (String f : List.of("hello.txt", "big.bin", "sub/note.md", "sub/index.html")) {
            assertThat(sha256(top.resolve(f))).as(f).isEqualTo(UnixFsFixtures.expected("tree.sha256." + f));
        }
        assertThat(regularFiles(top)).isEqualTo(4);
        // the same request twice gives the same bytes
        assertThat(get(gw, "/ipfs/" + tree + "?format=tar").body()).isEqualTo(r.body());
    }

    @Test
    void acceptNegotiatesTarAndAPathNamesTheTopEntry() throws Exception {
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + tree + "/sub", "Accept", "application/x-tar");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Location")).isEqualTo("/ipfs/" + tree + "/sub?format=tar");
        assertThat(header(r, "Content-Disposition")).isEqualTo("attachment; filename=\"sub.tar\"");
        Cid sub = UnixFsFixtures.cid("tree.path.sub");
        assertThat(header(r, "X-Ipfs-Roots")).isEqualTo(tree + "," + sub);
        // another top name, other bytes: the Etag differs from the bare CID's
        assertThat(header(r, "Etag")).startsWith("W/\"" + sub + ".x-tar.").isNotEqualTo(
                header(get(gw, "/ipfs/" + sub + "?format=tar"), "Etag"));
        Path dest = untar(r.body());
        assertThat(sha256(dest.resolve("sub/note.md"))).isEqualTo(UnixFsFixtures.expected("tree.sha256.sub/note.md"));
        assertThat(regularFiles(dest)).isEqualTo(2);
        // a single file is an archive of one entry; filename= names the attachment
        HttpResponse<byte[]> one = get(gw, "/ipfs/" + tree + "/big.bin?format=tar&filename=b.tar");
        assertThat(header(one, "Content-Disposition")).isEqualTo("attachment; filename=\"b.tar\"");
        assertThat(sha256(untar(one.body()).resolve("big.bin"))).isEqualTo(UnixFsFixtures.expected("tree.sha256.big.bin"));
    }

    @Test
    void aHamtDirectoryUnpacksInFull() throws Exception {
        Path top = untar(get(gw, "/ipfs/" + hamt + "?format=tar").body()).resolve(hamt.toString());
        for (String f : List.of("f000.txt", "f042.txt", "f099.txt", "inner/leaf.txt")) {
            assertThat(sha256(top.resolve(f))).as(f).isEqualTo(UnixFsFixtures.expected("hamt.sha256." + f));
        }
        assertThat(regularFiles(top)).isEqualTo(101);
    }

    @Test
    void headAndIfNoneMatchAnswerWithoutABody() throws Exception {
        HttpResponse<byte[]> h = head(gw, "/ipfs/" + tree + "?format=tar");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        assertThat(header(h, "Content-Type")).isEqualTo("application/x-tar");
        assertThat(header(h, "Etag")).isEqualTo("W/\"" + tree + ".x-tar\"");
        HttpResponse<byte[]> nm = get(gw, "/ipfs/" + tree + "?format=tar", "If-None-Match", "W/\"" + tree + ".x-tar\"");
        assertThat(nm.statusCode()).isEqualTo(304);
        assertThat(nm.body()).isEmpty();
    }

    @Test
    void contentThatIsNotUnixFsIs406AndAStrictGatewayRefusesTar() throws Exception {
        byte[] cbor = DagCbor.encode(Map.of("a", 1));
        Block b = Block.of(Cid.of(io.cairn.cid.Multicodec.DAG_CBOR, io.cairn.cid.HashFunction.SHA2_256, cbor), cbor);
        ext.server.blockstore().put(b);
        HttpResponse<byte[]> r = get(gw, "/ipfs/" + b.cid() + "?format=tar");
        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(text(r)).contains("dag-cbor").contains("format=car");
        assertThat(header(r, "Content-Disposition")).isNull();
        try (ServerExtension strict = new ServerExtension(c -> c.withGateway(GatewayConfig.trustlessOnly()))) {
            UnixFsFixtures.load("tree", strict.server.blockstore());
            URI s = strict.server.gatewayUri();
            assertThat(get(s, "/ipfs/" + tree + "?format=tar").statusCode()).isEqualTo(406);
            assertThat(get(s, "/ipfs/" + tree, "Accept", "application/x-tar").statusCode()).isEqualTo(406);
        }
    }

    @Test
    void ipip288FixturesNamesInsideTheRootUnpackAndNamesOutsideItFail() throws Exception {
        // gateway-conformance's path_gateway_tar fixtures (made with Kubo; see cairn-blockstore's
        // src/test/resources/unixfs/README.md): an entry named "../<dir>/file" that stays inside the
        // root, and one that climbs out of it.
        Cid inside = UnixFsFixtures.loadCar("conformance-inside-root", ext.server.blockstore());
        Cid outside = UnixFsFixtures.loadCar("conformance-outside-root", ext.server.blockstore());
        HttpResponse<byte[]> ok = get(gw, "/ipfs/" + inside + "?format=tar");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Files.isRegularFile(untar(ok.body()).resolve(inside + "/foobar/file"))).isTrue();
        HttpResponse<byte[]> bad = get(gw, "/ipfs/" + outside + "?format=tar");
        assertThat(bad.statusCode()).isEqualTo(502);
        assertThat(text(bad)).contains("outside the archive's top directory");
        assertThat(header(bad, "Content-Disposition")).isNull();
        assertThat(header(bad, "Etag")).isNull();
    }

    @Test
    void aMissingBlockOrAnEscapingNameIsAnErrorBeforeTheFirstBytesAndAnAbortAfter() throws Exception {
        Block present = Block.raw("present\n".getBytes(StandardCharsets.UTF_8));
        Block absent = Block.raw("absent\n".getBytes(StandardCharsets.UTF_8));
        ext.server.blockstore().put(present);
        UnixFsImporter.Node big = UnixFsImporter.file(new ByteArrayInputStream(new byte[200_000]), ImportParams.KUBO,
                ext.server.blockstore()::put, n -> { });
        UnixFsImporter.Node leaf = UnixFsImporter.file(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)),
                ImportParams.KUBO, ext.server.blockstore()::put, n -> { });
        UnixFsImporter.Entry missing = new UnixFsImporter.Entry("b.txt",
                new UnixFsImporter.Node(absent.cid(), absent.size(), absent.size()));
        UnixFsImporter.Node climbs = UnixFsImporter.directory(List.of(new UnixFsImporter.Entry("../../etc/cron.d/x", leaf)),
                ImportParams.KUBO, ext.server.blockstore()::put);
        UnixFsImporter.Entry evil = new UnixFsImporter.Entry("z", climbs);
        for (UnixFsImporter.Entry bad : List.of(missing, evil)) {
            // small: nothing sent yet, so a clean error status
            UnixFsImporter.Node small = UnixFsImporter.directory(List.of(new UnixFsImporter.Entry("a.txt",
                    new UnixFsImporter.Node(present.cid(), present.size(), present.size())), bad), ImportParams.KUBO,
                    ext.server.blockstore()::put);
            assertThat(get(gw, "/ipfs/" + small.cid() + "?format=tar").statusCode()).as(bad.name())
                    .isEqualTo(bad == missing ? 404 : 502);
            // after 200 KB of a file the 200 is out: the stream must end without its final chunk
            UnixFsImporter.Node large = UnixFsImporter.directory(List.of(new UnixFsImporter.Entry("a.bin", big), bad),
                    ImportParams.KUBO, ext.server.blockstore()::put);
            assertThatThrownBy(() -> get(gw, "/ipfs/" + large.cid() + "?format=tar")).as(bad.name()).isInstanceOf(IOException.class);
        }
        // the gateway serves on afterwards
        assertThat(get(gw, "/ipfs/" + tree + "/hello.txt?format=tar").statusCode()).isEqualTo(200);
    }
}
