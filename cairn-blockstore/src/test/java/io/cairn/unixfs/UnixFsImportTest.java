package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The importer reproduces Kubo's CIDs: IPIP-0499's known answers, and vectors computed by an
 * independent implementation (ipfs-unixfs-importer; see
 * cairn-server/src/test/js/make-unixfs-add-vectors.mjs) for Kubo's defaults, --cid-version=1, the
 * unixfs-v1-2025 profile, a small layout that closes every kind of level, and directories.
 */
class UnixFsImportTest {
    static final Properties VECTORS = new Properties();

    static {
        try (InputStream in = UnixFsImportTest.class.getResourceAsStream("/unixfs/add-vectors.properties")) {
            if (in == null) {
                throw new IllegalStateException("unixfs/add-vectors.properties is missing from the test resources");
            }
            VECTORS.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same seeded LCG stream the JS script generates. */
    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }

    static UnixFsImporter.Node add(byte[] data, ImportParams p, MemoryBlockstore store) throws IOException {
        return UnixFsImporter.file(new ByteArrayInputStream(data), p, store::put, n -> { });
    }

    @Test
    void ipip0499HelloWorldVectors() throws IOException {
        byte[] hello = "hello world".getBytes(StandardCharsets.UTF_8);
        MemoryBlockstore store = new MemoryBlockstore();
        assertThat(add(hello, ImportParams.KUBO, store).cid()).hasToString("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
        assertThat(add(hello, ImportParams.UNIXFS_V1_2025, store).cid())
                .hasToString("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        // UnixFS spec's empty directory
        assertThat(UnixFsImporter.directory(List.of(), ImportParams.KUBO, store::put).cid())
                .hasToString("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
        assertThat(UnixFsImporter.directory(List.of(), ImportParams.UNIXFS_V1_2025, store::put).cid())
                .hasToString("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354");
    }

    @Test
    void filesGetTheIndependentImplementationsCids() throws IOException {
        Map<String, ImportParams> sets = Map.of(
                "kubo", ImportParams.KUBO, "kubo_v1", ImportParams.KUBO_V1, "v1_2025", ImportParams.UNIXFS_V1_2025,
                "small_pb", new ImportParams(1000, 3, false, 0), "small_raw", new ImportParams(1000, 3, true, 1));
        int checked = 0;
        Map<String, String> vectors = new TreeMap<>();
        VECTORS.stringPropertyNames().forEach(k -> vectors.put(k, VECTORS.getProperty(k)));
        for (Map.Entry<String, String> v : vectors.entrySet()) {
            String[] k = v.getKey().split("\\.");
            ImportParams p = sets.get(k[0]);
            if (p == null) {
                continue;
            }
            int n = Integer.parseInt(k[1]);
            byte[] data = bytes(n, n + 1);
            MemoryBlockstore store = new MemoryBlockstore();
            UnixFsImporter.Node node = add(data, p, store);
            assertThat(node.cid()).as(v.getKey()).hasToString(v.getValue());
            assertThat(node.size()).isEqualTo(n);
            // and it reads back
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            UnixFs.read(store::get, store.get(node.cid()), new FileVisitor() {
                @Override
                public void bytes(byte[] d, int off, int len) {
                    back.write(d, off, len);
                }
            });
            assertThat(back.toByteArray()).as(v.getKey()).isEqualTo(data);
            checked++;
        }
        assertThat(checked).isEqualTo(32);
    }

    @Test
    void directoriesGetTheIndependentImplementationsCids() throws IOException {
        for (Map.Entry<String, ImportParams> set : Map.of("kubo", ImportParams.KUBO, "v1_2025", ImportParams.UNIXFS_V1_2025).entrySet()) {
            ImportParams p = set.getValue();
            MemoryBlockstore store = new MemoryBlockstore();
            UnixFsImporter.Node c = add("c\n".getBytes(), p, store);
            UnixFsImporter.Node z = add("upper\n".getBytes(), p, store);
            UnixFsImporter.Node sub = UnixFsImporter.directory(List.of(
                    new UnixFsImporter.Entry("c.txt", c), new UnixFsImporter.Entry("Z.txt", z)), p, store::put);
            List<UnixFsImporter.Entry> top = new ArrayList<>();
            top.add(new UnixFsImporter.Entry("hello.txt", add("hello world\n".getBytes(), p, store)));
            top.add(new UnixFsImporter.Entry("sub", sub));
            top.add(new UnixFsImporter.Entry("b.bin", add(bytes(300000, 9), p, store)));
            Cid root = UnixFsImporter.directory(top, p, store::put).cid();
            assertThat(root).as(set.getKey()).hasToString(VECTORS.getProperty("dir." + set.getKey()));
            // the directory lists its entries sorted by name bytes ("Z" before "c")
            List<String> names = new ArrayList<>();
            UnixFs.list(store::get, store.get(sub.cid()), b -> { }, e -> names.add(e.name()));
            assertThat(names).containsExactly("Z.txt", "c.txt");
        }
    }

    @Test
    void directoriesShardAtKubosThresholdLikeTheIndependentImplementation() throws IOException {
        for (String profile : List.of("kubo", "v1_2025")) {
            ImportParams p = profile.equals("kubo") ? ImportParams.KUBO : ImportParams.UNIXFS_V1_2025;
            for (int n : new int[] {4000, 6000}) {
                MemoryBlockstore store = new MemoryBlockstore();
                List<UnixFsImporter.Entry> entries = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    entries.add(new UnixFsImporter.Entry(String.format("file-%05d.txt", i), add((i + "\n").getBytes(), p, store)));
                }
                UnixFsImporter.Node dir = UnixFsImporter.directoryOrHamt(entries, p, store::put);
                assertThat(dir.cid()).as(profile + " " + n).hasToString(VECTORS.getProperty("hamt." + profile + "." + n));
                UnixFs.Kind kind = UnixFs.kind(store.get(dir.cid()));
                assertThat(kind).isEqualTo(n == 4000 ? UnixFs.Kind.DIRECTORY : UnixFs.Kind.HAMT_DIRECTORY);
                // every entry resolves through the shards that were built
                java.util.Optional<DirEntry> found = UnixFs.lookup(store::get, store.get(dir.cid()), "file-01234.txt", b -> { });
                assertThat(found).isPresent();
                assertThat(found.get().cid()).isEqualTo(entries.get(1234).node().cid());
            }
        }
    }

    @Test
    void theThresholdIsStrictlyGreaterThan256KiBOfLinks() throws IOException {
        for (int n : new int[] {4096, 4097}) {
            MemoryBlockstore store = new MemoryBlockstore();
            List<UnixFsImporter.Entry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                entries.add(new UnixFsImporter.Entry(String.format("%030d", i), add((i + "\n").getBytes(), ImportParams.KUBO, store)));
            }
            assertThat(UnixFsImporter.linksBytes(entries)).isEqualTo(n * 64L);
            UnixFsImporter.Node dir = UnixFsImporter.directoryOrHamt(entries, ImportParams.KUBO, store::put);
            assertThat(dir.cid()).as("edge " + n).hasToString(VECTORS.getProperty("hamt.edge." + n));
            assertThat(UnixFs.kind(store.get(dir.cid()))).isEqualTo(n == 4096 ? UnixFs.Kind.DIRECTORY : UnixFs.Kind.HAMT_DIRECTORY);
        }
    }

    @Test
    void blocksArriveChildrenFirstAndNoneIsOverTheChunkPlusFraming() throws IOException {
        List<Block> order = new ArrayList<>();
        UnixFsImporter.Node root = UnixFsImporter.file(new ByteArrayInputStream(bytes(27001, 1)),
                new ImportParams(1000, 3, true, 1), order::add, n -> { });
        assertThat(order.getLast().cid()).isEqualTo(root.cid());
        MemoryBlockstore seen = new MemoryBlockstore();
        for (Block b : order) {
            for (Cid child : io.cairn.ipld.Links.of(b.cid(), b.bytes())) {
                assertThat(seen.has(child)).as("child before parent").isTrue();
            }
            seen.put(b);
        }
    }
}
