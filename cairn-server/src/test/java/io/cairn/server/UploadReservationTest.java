package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.cairn.server.TestHttp.Part;
import static io.cairn.server.TestHttp.json;
import static io.cairn.server.TestHttp.jsonLines;
import static io.cairn.server.TestHttp.postMultipart;
import static io.cairn.server.TestHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, defects 3 and 4, from the upload side, against a real server and its real governor: an
 * upload reserves what it holds, one part at a time, and a CAR import reserves per section.
 *
 * <p>Before the fix a {@code block/put} reserved a buffer the size of the whole declared body for
 * every part and kept every part's reservation until the request ended (3,000 parts of 20 bytes:
 * hundreds of MB reserved for a 228 KB body), and {@code dag/import} reserved 5 MiB per block
 * whatever its size, so a small CAR imported a few times was refused at level NONE.
 */
class UploadReservationTest {
    static Path dir;
    static CairnServer server;
    static URI api;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("cairn-upload-test");
        // 256 MiB: far above what these requests hold, far below what the old accounting reserved.
        // fsync off: thousands of tiny blocks, and what is measured here is memory, not the disk.
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.DATA, dir.toString());
        flags.put(Setting.FSYNC, "false");
        flags.put(Setting.MAX_MEMORY, "256m");
        flags.put(Setting.GATEWAY_PORT, "0");
        flags.put(Setting.API_PORT, "0");
        server = CairnServer.start(new ConfigResolver(Map.of()).resolve(flags, null));
        api = server.apiUri();
        // The governor measures this whole test JVM, which earlier test classes leave full of
        // garbage; against a 256 MiB budget that alone can read CRITICAL until a collection runs.
        // These tests are about what uploads reserve, so they start from level NONE.
        org.awaitility.Awaitility.await("governor at NONE before the uploads")
                .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> {
                    if (server.governor().level() != io.cairn.memory.PressureLevel.NONE) {
                        System.gc();
                        return false;
                    }
                    return true;
                });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        ServerExtension.deleteTree(dir);
    }

    static List<Part> smallParts(int n, long seed) {
        Random r = new Random(seed);
        List<Part> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[20];
            r.nextBytes(b);
            parts.add(new Part("file", b));
        }
        return parts;
    }

    @Test
    void threeThousandTinyPartsAreRefusedByCountNotByMemory() throws Exception {
        List<Part> parts = smallParts(3000, 1);
        HttpResponse<byte[]> r = postMultipart(api, "/api/v0/block/put", parts);
        // 400 naming the limit, or all stored: never a memory refusal.
        if (r.statusCode() == 200) {
            assertThat(jsonLines(r)).hasSize(3000);
        } else {
            assertThat(r.statusCode()).as(text(r)).isEqualTo(400);
            JsonNode e = json(r);
            assertThat(e.get("Message").asText()).contains("at most").contains("parts");
            assertThat(e.get("Code").asInt()).isEqualTo(1);
        }
        assertThat(server.governor().reservedBytes()).isZero();
    }

    @Test
    void nineHundredTinyPartsAreAllStored() throws Exception {
        List<Part> parts = smallParts(900, 2);
        HttpResponse<byte[]> r = postMultipart(api, "/api/v0/block/put", parts);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        List<JsonNode> lines = jsonLines(r);
        assertThat(lines).hasSize(900);
        for (int i = 0; i < lines.size(); i++) {
            Cid cid = Cid.parse(lines.get(i).get("Key").asText());
            assertThat(server.blockstore().get(cid).bytes()).isEqualTo(parts.get(i).data());
        }
    }

    @Test
    void theSameSmallCarImportedTwentyTimesIsNeverRefused() throws Exception {
        Random rnd = new Random(3);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] b = new byte[1000];
            rnd.nextBytes(b);
            blocks.add(Block.raw(b));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(blocks.getFirst().cid()));
        for (Block b : blocks) {
            w.write(b.cid(), b.bytes());
        }
        byte[] car = out.toByteArray();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<byte[]> r = postMultipart(api, "/api/v0/dag/import?pin-roots=false&stats=true",
                    List.of(new Part("file", car)));
            statuses.add(r.statusCode());
            if (r.statusCode() != 200) {
                // The upload side must never be the reason: refused only at HIGH or above.
                assertThat(server.governor().level().ordinal()).as(text(r)).isGreaterThanOrEqualTo(3);
            }
        }
        assertThat(statuses).as("statuses of 20 imports").containsOnly(200);
        assertThat(server.governor().reservedBytes()).isZero();
    }
}
