package io.cairn.server.store;

import static io.cairn.server.TestHttp.get;
import static io.cairn.server.TestHttp.head;
import static io.cairn.server.TestHttp.header;
import static io.cairn.server.TestHttp.post;
import static io.cairn.server.TestHttp.putOk;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cid.Cid;
import io.cairn.cid.Multibase;
import io.cairn.server.ServerExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 1 over HTTP: bytes flipped inside a block file were served with 200 by every read
 * path (raw, Range, CAR, block/get, dag/export), then cached; a directory in a block's place gave 500
 * on GET and 200 with Content-Length 4096 on HEAD and "Size":4096 on block/stat. Now every path
 * answers 404, the corrupt file is in DATA/quarantine, blockstore_corrupt_blocks_total counts it, and
 * a block/put of the right bytes repairs the block.
 */
class ReadIntegrityHttpTest {
    private static ServerExtension s;
    private static URI api;
    private static URI gateway;
    private static int seed;

    @BeforeAll
    static void start() throws Exception {
        s = new ServerExtension();
        api = s.server.apiUri();
        gateway = s.server.gatewayUri();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    /** One read path: a request for the CID and whether its answer is the one a corrupt block must get. */
    private record Path0(String name, String method, boolean onApi, String pathFor) {
    }

    private static final List<Path0> READS = List.of(
            new Path0("raw", "GET", false, "/ipfs/%s?format=raw"),
            new Path0("range", "GET-RANGE", false, "/ipfs/%s?format=raw"),
            new Path0("car", "GET", false, "/ipfs/%s?format=car"),
            new Path0("car block", "GET", false, "/ipfs/%s?format=car&dag-scope=block"),
            new Path0("block/get", "POST", true, "/api/v0/block/get?arg=%s"),
            new Path0("dag/export", "POST", true, "/api/v0/dag/export?arg=%s"));

    @Test
    void flippedBytesAreNeverServedOnAnyPathAndAPutRepairs() throws Exception {
        for (int size : new int[] {4096, 700_000}) {
            for (Path0 read : READS) {
                byte[] data = bytes(size);
                String cid = putOk(api, data);
                Path file = fileOf(cid);
                byte[] bad = Files.readAllBytes(file);
                bad[bad.length / 3] ^= 0x40;
                Files.write(file, bad);

                HttpResponse<byte[]> r = request(read, cid);
                assertThat(r.statusCode()).as(read.name() + " of a corrupt " + size + "-byte block").isEqualTo(404);
                assertThat(containsSlice(r.body(), Arrays.copyOfRange(bad, bad.length / 3 - 8, bad.length / 3 + 8)))
                        .as("no corrupt byte in the answer").isFalse();
                assertThat(Files.exists(file)).as("moved out of blocks/").isFalse();
                assertThat(quarantined(file)).isTrue();
                // and again: nothing corrupt was cached
                assertThat(request(READS.getFirst(), cid).statusCode()).isEqualTo(404);

                assertThat(putOk(api, data)).isEqualTo(cid);
                HttpResponse<byte[]> good = get(gateway, "/ipfs/" + cid + "?format=raw");
                assertThat(good.statusCode()).isEqualTo(200);
                assertThat(good.body()).isEqualTo(data);
            }
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^blockstore_corrupt_blocks_total(\\{[^}]*\\})? ([0-9.]+)$")
                .matcher(text(get(api, "/metrics")));
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(2))).as("counted, one per corrupt block").isGreaterThanOrEqualTo(12);
    }

    @Test
    void truncatedAndExtendedFilesAreNotServed() throws Exception {
        for (boolean truncate : new boolean[] {true, false}) {
            byte[] data = bytes(5000);
            String cid = putOk(api, data);
            Path file = fileOf(cid);
            if (truncate) {
                Files.write(file, new byte[0]);
            } else {
                Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
            }
            assertThat(post(api, "/api/v0/block/get?arg=" + cid).statusCode()).isEqualTo(404);
            assertThat(get(gateway, "/ipfs/" + cid + "?format=raw").statusCode()).isEqualTo(404);
            assertThat(post(api, "/api/v0/block/stat?arg=" + cid).statusCode()).isEqualTo(404);
            putOk(api, data);
            assertThat(get(gateway, "/ipfs/" + cid + "?format=raw").body()).isEqualTo(data);
        }
    }

    @Test
    void aDirectoryInABlocksPlaceIsMissingOnHeadStatAndGet() throws Exception {
        for (String how : new String[] {"head", "stat", "get"}) {
            byte[] data = bytes(3000);
            String cid = putOk(api, data);
            Path file = fileOf(cid);
            Files.delete(file);
            Files.createDirectory(file);
            HttpResponse<byte[]> r = switch (how) {
                case "head" -> head(gateway, "/ipfs/" + cid + "?format=raw");
                case "stat" -> post(api, "/api/v0/block/stat?arg=" + cid);
                default -> get(gateway, "/ipfs/" + cid + "?format=raw");
            };
            assertThat(r.statusCode()).as(how).isEqualTo(404);
            assertThat(header(r, "Content-Length")).isNotEqualTo("4096");
            // A read that finds the directory moves it aside at once; a gateway HEAD asks has()
            // first, which only sees "no regular file", and the put that repairs the block moves it.
            assertThat(putOk(api, data)).isEqualTo(cid);
            assertThat(quarantined(file)).as(how).isTrue();
            assertThat(post(api, "/api/v0/block/stat?arg=" + cid).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<byte[]> request(Path0 read, String cid) throws Exception {
        String path = read.pathFor().formatted(cid);
        return switch (read.method()) {
            case "GET" -> get(gateway, path);
            case "GET-RANGE" -> get(gateway, path, "Range", "bytes=10-2000");
            default -> post(api, path);
        };
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        new java.util.Random(++seed).nextBytes(b);
        return b;
    }

    private static Path fileOf(String cid) throws Exception {
        String name = Multibase.BASE32UPPER.encodeRaw(Cid.parse(cid).multihash().toBytes()) + ".data";
        try (Stream<Path> walk = Files.walk(s.dir.resolve("blocks"))) {
            return walk.filter(p -> p.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no file for " + cid));
        }
    }

    private static boolean quarantined(Path file) throws Exception {
        Path q = s.dir.resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return false;
        }
        try (Stream<Path> list = Files.list(q)) {
            return list.anyMatch(p -> p.getFileName().toString().startsWith(file.getFileName().toString()));
        }
    }

    private static boolean containsSlice(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
