package io.cairn.server.cli;

import io.cairn.server.ServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn add} and {@code cairn cat}, online and {@code --offline}, against ipfs-unixfs-importer's CIDs. */
class CliUnixFsTest {
    static ServerExtension ext;
    static String api;
    static final Properties VECTORS = new Properties();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        ext = new ServerExtension();
        api = ext.server.apiUri().toString();
        try (InputStream in = Files.newInputStream(Path.of("..", "cairn-blockstore", "src", "test", "resources", "unixfs",
                "add-vectors.properties"))) {
            VECTORS.load(in);
        }
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

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CairnCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), false);
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }

    /** The directory tree of the ipfs-unixfs-importer vector dir.kubo, on disk under {@code root}. */
    Path tree(Path root) throws Exception {
        Path dir = root.resolve("t");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("hello.txt"), "hello world\n".getBytes());
        Files.write(dir.resolve("b.bin"), bytes(300000, 9));
        Files.write(dir.resolve("sub/c.txt"), "c\n".getBytes());
        Files.write(dir.resolve("sub/Z.txt"), "upper\n".getBytes());
        return dir;
    }

    @Test
    void addOnlineReproducesTheCidsAndShowsProgress() throws Exception {
        Path two = tmp.resolve("two.bin");
        Files.write(two, bytes(262145, 262146));
        Run r = cli("add", "--api", api, two.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outText().strip()).isEqualTo("added " + VECTORS.getProperty("kubo.262145") + " two.bin");
        assertThat(r.err()).contains("added").contains("100%");
        Run v1 = cli("add", "--api", api, "-q", "--cid-version", "1", two.toString());
        assertThat(v1.outText().strip()).isEqualTo(VECTORS.getProperty("kubo_v1.262145"));

        // a directory: its contents keep their names under the directory ("t"); the tree's CID is the vector's
        Run dir = cli("add", "--api", api, "--no-progress", tree(tmp).toString());
        assertThat(dir.code()).as(dir.err()).isZero();
        String last = dir.outText().strip().lines().reduce((a, b) -> b).orElseThrow();
        String treeCid = last.split(" ")[1];
        assertThat(last).endsWith(" t");
        assertThat(treeCid).isEqualTo(VECTORS.getProperty("dir.kubo"));

        Run cat = cli("cat", "--api", api, treeCid + "/sub/Z.txt");
        assertThat(cat.outText()).isEqualTo("upper\n");
        Run part = cli("cat", "--api", api, "--offset", "262140", "--length", "5", VECTORS.getProperty("kubo.262145"));
        assertThat(part.out()).isEqualTo(Arrays.copyOfRange(bytes(262145, 262146), 262140, 262145));
    }

    @Test
    void addAndCatOffline() throws Exception {
        Path data = tmp.resolve("data");
        Path root = tree(tmp);
        Run r = cli("add", "--offline", "--data", data.toString(), "-q", "--no-progress", root.resolve("hello.txt").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outText().strip()).isEqualTo("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
        Run dir = cli("add", "--offline", "--data", data.toString(), "--no-progress", "--profile", "unixfs-v1-2025", root.toString());
        assertThat(dir.code()).as(dir.err()).isZero();
        String treeCid = dir.outText().strip().lines().reduce((a, b) -> b).orElseThrow().split(" ")[1];
        assertThat(treeCid).isEqualTo(VECTORS.getProperty("dir.v1_2025"));
        Run cat = cli("cat", "--offline", "--data", data.toString(), treeCid + "/b.bin");
        assertThat(cat.code()).as(cat.err()).isZero();
        assertThat(cat.out()).isEqualTo(bytes(300000, 9));
        Run notFile = cli("cat", "--offline", "--data", data.toString(), treeCid);
        assertThat(notFile.code()).isEqualTo(1);
        assertThat(notFile.err()).contains("not a file");
    }
}
