package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;
import io.cairn.server.TestHttp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn repo verify} offline and online, and {@code /api/v0/repo/verify}. */
class RepoVerifyCliTest {
    @TempDir
    Path data;

    private record Result(int code, String out, String err) {
    }

    private Result cairn(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CairnCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Stores blocks with a plain flatfs store and damages two of them on disk. */
    private List<Block> storeAndDamage() throws Exception {
        List<Block> blocks = new ArrayList<>();
        try (FlatFsBlockstore fs = FlatFsBlockstore.open(data, FlatFsOptions.builder().sync(false).build())) {
            for (int i = 0; i < 10; i++) {
                byte[] b = new byte[2000 + i];
                new Random(i).nextBytes(b);
                Block block = Block.raw(b);
                fs.put(block);
                blocks.add(block);
            }
            for (int i : new int[] {2, 6}) {
                Path f = fs.pathOf(blocks.get(i).cid());
                byte[] bytes = Files.readAllBytes(f);
                bytes[100] ^= 1;
                Files.write(f, bytes);
            }
        }
        return blocks;
    }

    @Test
    void offlineVerifyReportsAndQuarantinesCorruptBlocks() throws Exception {
        List<Block> blocks = storeAndDamage();
        Result r = cairn("repo", "verify", "--offline", "--data", data.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("block " + blocks.get(2).cid().toString().substring(0, 8))
                .contains("was corrupt (moved to quarantine)")
                .contains("checked 10 blocks: 8 intact, 2 corrupt, 0 unverifiable")
                .contains("verify complete, some blocks were corrupt");
        try (var q = Files.list(data.resolve("quarantine"))) {
            assertThat(q.count()).isEqualTo(2);
        }
        Result again = cairn("repo", "verify", "--offline", "--data", data.toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("checked 8 blocks").contains("verify complete, all blocks validated.");
    }

    @Test
    void theRpcCommandStreamsKubosLinesAndTheCachesForgetTheBlock() throws Exception {
        List<Block> blocks = storeAndDamage();
        try (CairnServer server = CairnServer.start(ServerConfig.defaults(data).withPorts(0, 0))) {
            String bad = blocks.get(2).cid().toString();
            // the has/size cache learns the (damaged) file's size first
            assertThat(TestHttp.post(server.apiUri(), "/api/v0/block/stat?arg=" + bad).statusCode()).isEqualTo(200);

            HttpResponse<byte[]> r = TestHttp.post(server.apiUri(), "/api/v0/repo/verify");
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> msgs = TestHttp.jsonLines(r).stream().map(n -> n.get("Msg").asText()).toList();
            assertThat(msgs).contains("verify complete, some blocks were corrupt")
                    .anyMatch(m -> m.startsWith("block " + bad + " was corrupt"))
                    .contains("checked 10 blocks: 8 intact, 2 corrupt, 0 unverifiable");
            assertThat(TestHttp.post(server.apiUri(), "/api/v0/block/stat?arg=" + bad).statusCode())
                    .as("stat agrees with the quarantine").isEqualTo(404);

            Result online = cairn("repo", "verify", "--api", server.apiUri().toString());
            assertThat(online.code()).as(online.out() + online.err()).isZero();
            assertThat(online.out()).contains("verify complete, all blocks validated.");
        }
    }
}
