package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The UnixFS reader against DAGs built by an independent implementation (ipfs-unixfs-importer):
 * every path resolves to the CID ipfs-unixfs-exporter resolved it to, every file reads back to the
 * bytes the exporter hashed, and byte ranges fetch only the blocks that hold them.
 */
class UnixFsReadTest {
    static MemoryBlockstore store = new MemoryBlockstore();
    static Cid tree;
    static Cid hamt;
    static Cid v0;

    @BeforeAll
    static void load() throws IOException {
        tree = Fixtures.load("tree", store);
        hamt = Fixtures.load("hamt", store);
        v0 = Fixtures.load("v0", store);
    }

    static Cid resolve(Cid root, String path, List<Block> visited) {
        Cid at = root;
        for (String seg : path.split("/")) {
            Block dir = store.get(at);
            visited.add(dir);
            Optional<DirEntry> e = UnixFs.lookup(BlockSource.of(store), dir, seg, visited::add);
            if (e.isEmpty()) {
                return null;
            }
            at = e.get().cid();
        }
        return at;
    }

    static String sha256(Cid file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        UnixFs.read(BlockSource.of(store), store.get(file), new FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) {
                md.update(data, off, len);
            }
        });
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void plainDirectoryPathsResolveAsTheExporterDoes() {
        for (String p : List.of("hello.txt", "big.bin", "sub", "sub/note.md", "sub/index.html")) {
            assertThat(resolve(tree, p, new ArrayList<>())).as(p).isEqualTo(Cid.parse(Fixtures.expected("tree.path." + p)));
        }
        assertThat(resolve(tree, "sub/absent", new ArrayList<>())).isNull();
        assertThat(UnixFs.kind(store.get(tree))).isEqualTo(UnixFs.Kind.DIRECTORY);
    }

    @Test
    void hamtShardedPathsResolveThroughSubShards() {
        assertThat(UnixFs.kind(store.get(hamt))).isEqualTo(UnixFs.Kind.HAMT_DIRECTORY);
        int subShardsSeen = 0;
        for (String p : List.of("f000.txt", "f042.txt", "f099.txt", "inner", "inner/leaf.txt")) {
            List<Block> visited = new ArrayList<>();
            assertThat(resolve(hamt, p, visited)).as(p).isEqualTo(Cid.parse(Fixtures.expected("hamt.path." + p)));
            subShardsSeen = Math.max(subShardsSeen, visited.size() - p.split("/").length);
        }
        // A fanout of 16 over 101 entries forces sub-shards, so at least one lookup crossed one.
        assertThat(subShardsSeen).isPositive();
        assertThat(resolve(hamt, "f100.txt", new ArrayList<>())).isNull();
    }

    @Test
    void hamtListingHasEveryEntryOnce() {
        List<String> names = new ArrayList<>();
        UnixFs.list(BlockSource.of(store), store.get(hamt), b -> { }, e -> names.add(e.name()));
        assertThat(names).hasSize(101).doesNotHaveDuplicates().contains("f000.txt", "f099.txt", "inner");
    }

    @Test
    void filesReadBackToTheExportersBytes() throws Exception {
        for (String p : List.of("hello.txt", "big.bin", "sub/note.md", "sub/index.html")) {
            assertThat(sha256(resolve(tree, p, new ArrayList<>()))).as(p).isEqualTo(Fixtures.expected("tree.sha256." + p));
        }
        assertThat(sha256(resolve(hamt, "inner/leaf.txt", new ArrayList<>()))).isEqualTo(Fixtures.expected("hamt.sha256.inner/leaf.txt"));
        // CIDv0 with dag-pb leaves (Kubo's default layout)
        assertThat(sha256(v0)).isEqualTo(Fixtures.expected("v0.sha256.."));
        assertThat(UnixFs.fileSize(store.get(v0))).isEqualTo(30000);
        assertThat(UnixFs.fileSize(store.get(resolve(tree, "big.bin", new ArrayList<>())))).isEqualTo(20000);
    }

    @Test
    void aRangeFetchesOnlyTheBlocksThatHoldIt() throws Exception {
        Block big = store.get(resolve(tree, "big.bin", new ArrayList<>()));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        List<Block> all = new ArrayList<>();
        UnixFs.read(BlockSource.of(store), big, collect(all, whole));
        // 20 000 bytes in 4 KiB leaves: 5 leaves under 2 intermediate nodes under the root.
        assertThat(all).hasSize(8);

        ByteArrayOutputStream part = new ByteArrayOutputStream();
        List<Block> some = new ArrayList<>();
        UnixFs.readRange(BlockSource.of(store), big, 4096, 4096 + 10, collect(some, part));
        assertThat(part.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(whole.toByteArray(), 4096, 4107));
        // the root, the first intermediate node and the second leaf
        assertThat(some).hasSize(3);
        assertThat(some.get(0)).isEqualTo(big);

        List<Block> rootOnly = new ArrayList<>();
        UnixFs.readRange(BlockSource.of(store), big, 5, 4, collect(rootOnly, new ByteArrayOutputStream()));
        assertThat(rootOnly).containsExactly(big);
    }

    @Test
    void aMissingChildSurfacesAsNotFound() throws Exception {
        MemoryBlockstore partial = new MemoryBlockstore();
        Block big = store.get(resolve(tree, "big.bin", new ArrayList<>()));
        partial.put(big);
        assertThatThrownBy(() -> UnixFs.read(BlockSource.of(partial), big, new FileVisitor() { }))
                .isInstanceOf(BlockNotFoundException.class);
    }

    @Test
    void murmur3MatchesTheReferenceVectors() {
        // MurmurHash3_x64_128, seed 0, h1 of the reference implementation (smhasher):
        assertThat(Murmur3.x64h1(new byte[0])).isZero();
        assertThat(Long.toHexString(Murmur3.x64h1("hello".getBytes()))).isEqualTo("cbd8a7b341bd9b02");
    }

    static FileVisitor collect(List<Block> blocks, ByteArrayOutputStream out) {
        return new FileVisitor() {
            @Override
            public void block(Block block) {
                blocks.add(block);
            }

            @Override
            public void bytes(byte[] data, int off, int len) {
                out.write(data, off, len);
            }
        };
    }
}
