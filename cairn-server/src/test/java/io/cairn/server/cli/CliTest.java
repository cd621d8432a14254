package io.cairn.server.cli;

import io.cairn.blockstore.Block;
import io.cairn.car.CarBlock;
import io.cairn.car.CarReader;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.server.ServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a live server (--api) and against a data directory (--offline). */
class CliTest {
    static ServerExtension ext;
    static String api;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        api = ext.server.apiUri().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        ext.close();
    }

    record Run(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Run cli(Map<String, String> env, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CairnCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), env, terminal);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static Run cli(String... args) {
        return cli(Map.of(), false, args);
    }

    Path file(String name, byte[] data) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** root(dag-cbor) -> [leaf1, leaf2, ...]; as CARv1, or wrapped as CARv2. */
    static byte[] car(int leaves, boolean v2, List<Cid> cidsOut) throws Exception {
        List<Block> blocks = new ArrayList<>();
        List<Cid> links = new ArrayList<>();
        for (int i = 0; i < leaves; i++) {
            Block b = Block.raw(random(1000 + i, 100 + i));
            blocks.add(b);
            links.add(b.cid());
        }
        byte[] rootBytes = DagCbor.encode(Map.of("l", links));
        Block root = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, rootBytes), rootBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CarWriter w = new CarWriter(out, List.of(root.cid()));
        w.write(root.cid(), root.bytes());
        cidsOut.add(root.cid());
        for (Block b : blocks) {
            w.write(b.cid(), b.bytes());
            cidsOut.add(b.cid());
        }
        w.flush();
        byte[] v1 = out.toByteArray();
        if (!v2) {
            return v1;
        }
        ByteArrayOutputStream o2 = new ByteArrayOutputStream();
        o2.writeBytes(new byte[] {0x0a, (byte) 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02});
        o2.writeBytes(ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).put(new byte[16]).putLong(51)
                .putLong(v1.length).putLong(0).array());
        o2.writeBytes(v1);
        return o2.toByteArray();
    }

    @Test
    void putGetStatRmOnline() throws Exception {
        byte[] a = random(3000, 1);
        byte[] b = random(10, 2);
        Run put = cli("put", file("a", a).toString(), file("b", b).toString(), "--api", api);
        assertThat(put.code()).as(put.err()).isZero();
        String[] cids = put.outText().strip().split("\n");
        assertThat(cids).containsExactly(Block.raw(a).cid().toString(), Block.raw(b).cid().toString());

        Run get = cli("get", cids[0], "--api", api);
        assertThat(get.code()).isZero();
        assertThat(get.out()).isEqualTo(a);

        Run stat = cli(Map.of("CAIRN_API", api), false, "stat", cids[1]);
        assertThat(stat.outText()).isEqualTo("Key: " + cids[1] + "\nSize: 10\n");

        Run cid = cli("cid", tmp.resolve("a").toString());
        assertThat(cid.outText().strip()).isEqualTo(cids[0]);

        Run rm = cli("rm", cids[0], "--api", api);
        assertThat(rm.code()).isZero();
        assertThat(rm.outText()).contains("removed " + cids[0]);
        assertThat(ext.server.blockstore().has(Cid.parse(cids[0]))).isFalse();

        Run again = cli("rm", cids[0], "--api", api);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("cannot remove " + cids[0]);
        assertThat(cli("rm", "-f", cids[0], "--api", api).code()).isZero();
    }

    @Test
    void putOptionsMatchTheCidCommand() throws Exception {
        Path f = file("opts", random(500, 3));
        Run put = cli("put", f.toString(), "--cid-codec", "dag-cbor", "--mhtype", "sha2-512", "--api", api);
        Run cid = cli("cid", f.toString(), "--cid-codec", "dag-cbor", "--mhtype", "sha2-512");
        assertThat(put.code()).as(put.err()).isZero();
        assertThat(put.outText()).isEqualTo(cid.outText());
        Run v0 = cli("cid", f.toString(), "--cid-version", "0");
        assertThat(v0.outText()).startsWith("Qm");
    }

    @Test
    void importAndExportOnlineWithPlainProgress() throws Exception {
        List<Cid> cids = new ArrayList<>();
        Path car = file("dag.car", car(20, true, cids));
        Run imp = cli("import", car.toString(), "--api", api);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.outText()).contains("root " + cids.getFirst(), "imported 21 blocks");
        assertThat(imp.err()).contains("import: ").contains("21 blocks").doesNotContain("\r");
        for (Cid c : cids) {
            assertThat(ext.server.blockstore().has(c)).isTrue();
        }

        Path out = tmp.resolve("out.car");
        Run exp = cli("export", cids.getFirst().toString(), "-o", out.toString(), "--api", api);
        assertThat(exp.code()).as(exp.err()).isZero();
        List<Cid> got = new ArrayList<>();
        try (CarReader r = CarReader.open(Files.newInputStream(out))) {
            for (CarBlock b = r.next(); b != null; b = r.next()) {
                got.add(b.cid());
            }
        }
        assertThat(got).containsExactlyElementsOf(cids);
    }

    @Test
    void importOnATerminalDrawsABar() throws Exception {
        Path car = file("bar.car", car(5, false, new ArrayList<>()));
        Run imp = cli(Map.of(), true, "import", car.toString(), "--api", api);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.err()).contains("\r[").contains("#").contains("6 blocks");
    }

    @Test
    void offlineCommandsOpenTheDataDirectory() throws Exception {
        Path data = tmp.resolve("data");
        byte[] a = random(777, 4);
        Run put = cli("put", file("off", a).toString(), "--offline", "--data", data.toString());
        assertThat(put.code()).as(put.err()).isZero();
        String cid = put.outText().strip();
        assertThat(cid).isEqualTo(Block.raw(a).cid().toString());
        assertThat(cli("get", cid, "--offline", "--data", data.toString()).out()).isEqualTo(a);
        Map<String, String> env = Map.of("CAIRN_DATA", data.toString());
        assertThat(cli(env, false, "stat", cid, "--offline").outText()).contains("Size: 777");

        List<Cid> cids = new ArrayList<>();
        Path car = file("off.car", car(3, false, cids));
        Run imp = cli(env, false, "import", car.toString(), "--offline");
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.outText()).contains("imported 4 blocks");
        Run exp = cli(env, false, "export", cids.getFirst().toString(), "--offline");
        assertThat(exp.code()).isZero();
        assertThat(exp.out()).isEqualTo(Files.readAllBytes(car));

        assertThat(cli(env, false, "rm", cid, "--offline").code()).isZero();
        assertThat(cli(env, false, "get", cid, "--offline").code()).isEqualTo(1);
    }

    @Test
    void offlineRefusesADirectoryAServerHolds() {
        Run r = cli("stat", "bafkqaaa", "--offline", "--data", ext.dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("cairn: error:").doesNotContain("\tat ");
    }

    @Test
    void errorsAreOneLineWithExitCode1AndTracesOnlyWhenVerbose() throws Exception {
        Run bad = cli("get", "not-a-cid", "--api", api);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
        assertThat(bad.err()).startsWith("cairn: error:");

        Run missing = cli("get", Block.raw("absent".getBytes()).cid().toString(), "--api", api);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("404");

        Run down = cli("stat", "bafkqaaa", "--api", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the Cairn API");

        Run verbose = cli("get", "not-a-cid", "--api", api, "--verbose");
        assertThat(verbose.err()).contains("\tat ");

        assertThat(cli("put", tmp.resolve("nope").toString(), "--api", api).code()).isEqualTo(1);
        assertThat(cli("frobnicate").code()).isEqualTo(1);
        Run busy = cli("serve", "--data", tmp.resolve("busy").toString(), "--gateway-port", "0",
                "--api-port", Integer.toString(ext.server.apiPort()));
        assertThat(busy.code()).isEqualTo(1);
        assertThat(busy.err()).startsWith("cairn: error:").contains("bind").doesNotContain("\tat ");
        Run badServe = cli(Map.of("CAIRN_GATEWAY_PORT", "x"), false, "serve");
        assertThat(badServe.code()).isEqualTo(1);
        assertThat(badServe.err()).contains("gateway-port").contains("CAIRN_GATEWAY_PORT");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : List.of("serve", "put", "get", "stat", "rm", "import", "export", "cid")) {
            Run r = cli(cmd, "--help");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.outText()).as(cmd).contains("Usage: cairn " + cmd);
        }
        Run serve = cli("serve", "--help");
        assertThat(serve.outText()).contains("--gateway-port", "--api-port", "--max-memory", "--data", "--config");
        assertThat(cli("--help").outText()).contains("serve", "import", "export");
    }

    @Test
    void sectionCounterCountsBlocksOfV1AndV2WhateverTheChunking() throws Exception {
        for (boolean v2 : List.of(false, true)) {
            byte[] car = car(37, v2, new ArrayList<>());
            for (int chunk : List.of(1, 7, 4096, car.length)) {
                CarSectionCounter c = new CarSectionCounter();
                for (int off = 0; off < car.length; off += chunk) {
                    c.feed(car, off, Math.min(chunk, car.length - off));
                }
                assertThat(c.blocks()).as("v2=%s chunk=%d", v2, chunk).isEqualTo(38);
            }
        }
    }
}
