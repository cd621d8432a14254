package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.MalformedBlockException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link UnixFsTar} against GNU tar: trees built by the importer (plain and HAMT directories,
 * multi-leaf files, empty files, long and non-ASCII names, a symlink, UnixFS 1.5 mode and mtime) are
 * written as archives, unpacked with the system {@code tar}, and every file compared byte for byte.
 * Entry names that would escape the top directory fail the walk; names that only look odd but stay
 * inside it unpack where they point.
 */
class UnixFsTarTest {
    final MemoryBlockstore store = new MemoryBlockstore();
    /** relative path under the top entry → expected content */
    final Map<String, byte[]> files = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    UnixFsImporter.Node file(String path, byte[] content, ImportParams p) throws IOException {
        files.put(path, content);
        return UnixFsImporter.file(new ByteArrayInputStream(content), p, store::put, n -> { });
    }

    static UnixFsImporter.Entry entry(String name, UnixFsImporter.Node node) {
        return new UnixFsImporter.Entry(name, node);
    }

    /** A dag-pb UnixFS node written by hand: type, data, optional mode and mtime (UnixFS 1.5). */
    Block node(UnixFsData.Type type, byte[] data, long filesize, int mode, long mtime) {
        ProtoWriter u = new ProtoWriter(64).varintField(1, type.ordinal());
        if (data.length > 0) {
            u.bytesField(2, data);
        }
        if (filesize >= 0) {
            u.varintField(3, filesize);
        }
        if (mode >= 0) {
            u.varintField(7, mode);
        }
        if (mtime >= 0) {
            u.bytesField(8, new ProtoWriter(12).varintField(1, mtime).toByteArray());
        }
        byte[] pb = new ProtoWriter(data.length + 32).bytesField(1, u.toByteArray()).toByteArray();
        Block b = Block.of(Cid.of(Multicodec.DAG_PB, HashFunction.SHA2_256, pb), pb);
        store.put(b);
        return b;
    }

    static UnixFsImporter.Node asNode(Block b) {
        return new UnixFsImporter.Node(b.cid(), 0, b.size());
    }

    Path untar(byte[] archive) throws Exception {
        Path tarFile = tmp.resolve("out.tar");
        Files.write(tarFile, archive);
        Path dest = Files.createDirectories(tmp.resolve("x"));
        Process p = new ProcessBuilder("tar", "-xf", tarFile.toString(), "-C", dest.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tar -xf: " + out).isZero();
        assertThat(out).as("tar printed nothing").isEmpty();
        return dest;
    }

    byte[] tar(Cid root, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UnixFsTar.write(BlockSource.of(store), store.get(root), name, out);
        return out.toByteArray();
    }

    @Test
    void aTreeUnpacksWithGnuTarToTheSameBytes() throws Exception {
        Random r = new Random(42);
        byte[] big = new byte[700 * 1024 + 17];
        r.nextBytes(big);
        String longName = "l".repeat(150) + ".txt";
        String unicode = "ünïcödé-名前.txt";
        List<UnixFsImporter.Entry> hamtEntries = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            String n = String.format("%04d-", i) + "h".repeat(190);
            hamtEntries.add(entry(n, file("shards/" + n, ("entry " + i + "\n").getBytes(StandardCharsets.UTF_8), ImportParams.KUBO_V1)));
        }
        UnixFsImporter.Node shards = UnixFsImporter.directoryOrHamt(hamtEntries, ImportParams.KUBO_V1, store::put);
        assertThat(UnixFs.kind(store.get(shards.cid()))).isEqualTo(UnixFs.Kind.HAMT_DIRECTORY);

        String deep = "d".repeat(60);
        UnixFsImporter.Node level3 = UnixFsImporter.directory(List.of(entry(longName,
                file(deep + "/" + deep + "/" + deep + "/" + longName, "deep\n".getBytes(StandardCharsets.UTF_8), ImportParams.KUBO))),
                ImportParams.KUBO, store::put);
        UnixFsImporter.Node level2 = UnixFsImporter.directory(List.of(entry(deep, level3)), ImportParams.KUBO, store::put);
        UnixFsImporter.Node level1 = UnixFsImporter.directory(List.of(entry(deep, level2)), ImportParams.KUBO, store::put);
        UnixFsImporter.Node sub = UnixFsImporter.directory(List.of(
                entry(unicode, file("sub/" + unicode, "ü\n".getBytes(StandardCharsets.UTF_8), ImportParams.KUBO)),
                entry(longName, file("sub/" + longName, "long\n".getBytes(StandardCharsets.UTF_8), ImportParams.KUBO))),
                ImportParams.KUBO, store::put);
        Block link = node(UnixFsData.Type.SYMLINK, "sub/note.md".getBytes(StandardCharsets.UTF_8), -1, -1, -1);
        byte[] secret = "mode and mtime\n".getBytes(StandardCharsets.UTF_8);
        files.put("secret.txt", secret);
        Block withMeta = node(UnixFsData.Type.FILE, secret, secret.length, 0600, 1_700_000_000L);
        UnixFsImporter.Node top = UnixFsImporter.directory(List.of(
                entry("hello.txt", file("hello.txt", "hello world\n".getBytes(StandardCharsets.UTF_8), ImportParams.KUBO)),
                entry("empty.txt", file("empty.txt", new byte[0], ImportParams.KUBO)),
                entry("big.bin", file("big.bin", big, ImportParams.KUBO)),
                entry("raw-leaves.bin", file("raw-leaves.bin", big, ImportParams.KUBO_V1)),
                entry("sub", sub), entry(deep, level1), entry("shards", shards),
                entry("link", asNode(link)), entry("secret.txt", asNode(withMeta))),
                ImportParams.KUBO, store::put);

        byte[] archive = tar(top.cid(), top.cid().toString());
        Path dest = untar(archive).resolve(top.cid().toString());
        assertThat(files).hasSizeGreaterThan(1200);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertThat(Files.readAllBytes(dest.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        try (var listing = Files.list(dest.resolve("shards"))) {
            assertThat(listing.count()).isEqualTo(1200);
        }
        assertThat(Files.readSymbolicLink(dest.resolve("link"))).isEqualTo(Path.of("sub/note.md"));
        assertThat(Files.getLastModifiedTime(dest.resolve("secret.txt")).to(TimeUnit.SECONDS)).isEqualTo(1_700_000_000L);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("secret.txt"))))
                .isEqualTo("rw-------");
        assertThat(Files.isDirectory(dest.resolve("sub"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        // the same tree, the same bytes: the archive is deterministic
        assertThat(tar(top.cid(), top.cid().toString())).isEqualTo(archive);
    }

    @Test
    void aSingleFileIsAnArchiveOfOneEntryNamedAsAsked() throws Exception {
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        UnixFsImporter.Node f = file("x", content, ImportParams.KUBO);
        Path dest = untar(tar(f.cid(), "picture.bin"));
        assertThat(Files.readAllBytes(dest.resolve("picture.bin"))).isEqualTo(content);
        try (var listing = Files.list(dest)) {
            assertThat(listing.count()).isEqualTo(1);
        }
    }

    @Test
    void namesThatLeaveTheTopDirectoryFailAndNamesThatStayInsideUnpack() throws Exception {
        UnixFsImporter.Node inner = file("foo/inner.txt", "inside\n".getBytes(StandardCharsets.UTF_8), ImportParams.KUBO);
        UnixFsImporter.Node foo = UnixFsImporter.directory(List.of(entry("../foo/inner.txt", inner)), ImportParams.KUBO, store::put);
        UnixFsImporter.Node ok = UnixFsImporter.directory(List.of(entry("foo", foo)), ImportParams.KUBO, store::put);
        Path dest = untar(tar(ok.cid(), "top"));
        assertThat(Files.readString(dest.resolve("top/foo/inner.txt"))).isEqualTo("inside\n");

        for (String bad : List.of("../escape.txt", "../../escape.txt", "a/../../escape.txt", "..", ".", "/etc/passwd/../..")) {
            UnixFsImporter.Node evil = UnixFsImporter.directory(List.of(entry(bad, inner)), ImportParams.KUBO, store::put);
            assertThatThrownBy(() -> tar(evil.cid(), "top")).as(bad)
                    .isInstanceOf(UnixFsTar.UnsafeEntryException.class).hasMessageContaining("outside");
        }
        UnixFsImporter.Node nul = UnixFsImporter.directory(List.of(entry("a\u0000b", inner)), ImportParams.KUBO, store::put);
        assertThatThrownBy(() -> tar(nul.cid(), "top")).isInstanceOf(UnixFsTar.UnsafeEntryException.class);
        // an absolute-looking name is cleaned under the top entry, as tar itself would strip the '/'
        UnixFsImporter.Node abs = UnixFsImporter.directory(List.of(entry("/abs.txt", inner)), ImportParams.KUBO, store::put);
        assertThat(Files.readString(untar(tar(abs.cid(), "top2")).resolve("top2/abs.txt"))).isEqualTo("inside\n");
        assertThatThrownBy(() -> tar(ok.cid(), "../top")).isInstanceOf(UnixFsTar.UnsafeEntryException.class);
    }

    @Test
    void aFileWhoseBlocksDisagreeWithItsSizeIsNeverArchived() {
        // declares 100 bytes but holds 5: an archive with a wrong size would misalign every later entry
        Block lying = node(UnixFsData.Type.FILE, "short".getBytes(StandardCharsets.UTF_8), 100, -1, -1);
        assertThatThrownBy(() -> tar(lying.cid(), "f")).isInstanceOf(MalformedBlockException.class)
                .hasMessageContaining("declares 100");
        Block cbor = Block.of(Cid.of(Multicodec.DAG_CBOR, HashFunction.SHA2_256, new byte[] {(byte) 0xa0}), new byte[] {(byte) 0xa0});
        assertThat(UnixFsTar.archivable(cbor)).isFalse();
    }

    @Test
    void aMissingBlockFailsTheWalk() throws Exception {
        byte[] content = new byte[600_000];
        UnixFsImporter.Node f = UnixFsImporter.file(new ByteArrayInputStream(content), ImportParams.KUBO_V1, b -> {
            if (b.cid().codec() == Multicodec.DAG_PB) {
                store.put(b); // the root only: the leaves are missing
            }
        }, n -> { });
        assertThatThrownBy(() -> UnixFsTar.write(BlockSource.of(store), store.get(f.cid()), "f", OutputStream.nullOutputStream()))
                .isInstanceOf(BlockNotFoundException.class);
    }
}
