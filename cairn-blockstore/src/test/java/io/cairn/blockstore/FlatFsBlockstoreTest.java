package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cairn.cid.Cid;
import io.cairn.cid.Multibase;
import io.cairn.cid.Multicodec;

/** Kubo compatibility, directory handling and failure behaviour of {@link FlatFsBlockstore}. */
class FlatFsBlockstoreTest {
    /** From the Kubo known answers in the shared vectors README. */
    static final String MARS_KEY = "CIQCYXLKMHQQOJGM4E64L5OV5YUSTSGJBUJYF6PBFWVCGOI5EVZGMTY";
    static final String MARS_CID = "bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4";
    static final String MARS_V0 = "QmRKqGMAM6EZngbpjSqrvYzq5Qd8b1bSWymjSUY9zQSNDk";
    static final byte[] MARS = "Hello Mars!\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] VENUS = "Hello Venus!\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path repo;

    private static FlatFsOptions noSync() {
        return FlatFsOptions.builder().sync(false).build();
    }

    /** Every regular file under blocks/, relative, excluding Cairn's lock file and .temp. */
    private List<String> filesUnder(Path flatfs) throws IOException {
        try (Stream<Path> walk = Files.walk(flatfs)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> flatfs.relativize(p).toString())
                    .filter(s -> !s.equals(FlatFsBlockstore.LOCK_FILE) && !s.startsWith(".temp"))
                    .sorted().toList();
        }
    }

    @Test
    void helloMarsLandsAtTheExactPathKuboUses() throws Exception {
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            Block b = Block.raw(MARS);
            assertThat(b.cid()).hasToString(MARS_CID);
            store.put(b);
            // the CIDv0 (dag-pb) form has the same multihash, so the same file
            store.put(Block.of(Cid.parse(MARS_V0), MARS));
            assertThat(store.pathOf(b.cid())).isEqualTo(repo.resolve("blocks/MT/" + MARS_KEY + ".data"));
        }
        Path file = repo.resolve("blocks/MT/" + MARS_KEY + ".data");
        assertThat(file).isRegularFile();
        assertThat(Files.readAllBytes(file)).isEqualTo(MARS);
        assertThat(Files.readString(repo.resolve("blocks/SHARDING"))).isEqualTo("/repo/flatfs/shard/v1/next-to-last/2\n");
        assertThat(filesUnder(repo.resolve("blocks"))).containsExactly("MT/" + MARS_KEY + ".data", "SHARDING");
        assertThat(repo.resolve("blocks/diskUsage.cache")).doesNotExist();
    }

    /** Writes a Kubo-style flatfs directory by hand: SHARDING, _README, diskUsage.cache, shard dirs. */
    private void layOutByHand(String sharding, String marsShard, String venusKey, String venusShard) throws IOException {
        Path flatfs = Files.createDirectories(repo.resolve("blocks"));
        Files.writeString(flatfs.resolve("SHARDING"), sharding + "\n");
        Files.writeString(flatfs.resolve("_README"), "This is a repository of IPLD objects.\n");
        Files.writeString(flatfs.resolve("diskUsage.cache"), "{\"diskUsage\":12345,\"accuracy\":\"initial-exact\"}");
        Files.createDirectories(flatfs.resolve(marsShard));
        Files.write(flatfs.resolve(marsShard).resolve(MARS_KEY + ".data"), MARS);
        Files.createDirectories(flatfs.resolve(venusShard));
        Files.write(flatfs.resolve(venusShard).resolve(venusKey + ".data"), VENUS);
    }

    private static String key(Block b) {
        return Multibase.BASE32UPPER.encodeRaw(b.cid().multihash().toBytes());
    }

    @Test
    void aKuboDirectoryLaidOutByHandOpensAndReadsUnderEachShardingFunction() throws Exception {
        Block venus = Block.raw(VENUS);
        String venusKey = key(venus);
        assertThat(venusKey).startsWith("CIQ");
        record Case(String sharding, String marsShard, String venusShard) {
        }
        List<Case> cases = List.of(
                new Case("/repo/flatfs/shard/v1/next-to-last/2", "MT", venusKey.substring(venusKey.length() - 3, venusKey.length() - 1)),
                new Case("/repo/flatfs/shard/v1/prefix/4", "CIQC", venusKey.substring(0, 4)),
                new Case("/repo/flatfs/shard/v1/suffix/3", "MTY", venusKey.substring(venusKey.length() - 3)),
                new Case("/repo/flatfs/shard/v1/next-to-last/3", "GMT", venusKey.substring(venusKey.length() - 4, venusKey.length() - 1)));
        for (Case c : cases) {
            deleteRecursively(repo);
            Files.createDirectories(repo);
            layOutByHand(c.sharding(), c.marsShard(), venusKey, c.venusShard());

            try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
                assertThat(store.sharding()).isEqualTo(c.sharding());
                assertThat(store.get(Cid.parse(MARS_CID)).bytes()).as(c.sharding()).isEqualTo(MARS);
                assertThat(store.get(Cid.parse(MARS_V0)).bytes()).isEqualTo(MARS);
                assertThat(store.get(venus.cid()).bytes()).isEqualTo(VENUS);
                assertThat(store.getSize(venus.cid())).isEqualTo(VENUS.length);
                try (Stream<Cid> keys = store.allKeys()) {
                    assertThat(keys.toList()).containsExactlyInAnyOrder(Cid.parse(MARS_CID), venus.cid());
                }
                // a new block goes where that sharding puts it
                Block earth = Block.raw("Hello Earth!\n".getBytes(StandardCharsets.US_ASCII));
                store.put(earth);
                String ek = key(earth);
                String expectedShard = switch (c.sharding().substring(c.sharding().lastIndexOf("v1/") + 3)) {
                    case "next-to-last/2" -> ek.substring(ek.length() - 3, ek.length() - 1);
                    case "next-to-last/3" -> ek.substring(ek.length() - 4, ek.length() - 1);
                    case "prefix/4" -> ek.substring(0, 4);
                    case "suffix/3" -> ek.substring(ek.length() - 3);
                    default -> throw new AssertionError(c.sharding());
                };
                assertThat(repo.resolve("blocks").resolve(expectedShard).resolve(ek + ".data")).hasBinaryContent(earth.bytes());
            }
            // Kubo's files are left as they were, except the disk-usage cache Cairn cannot keep current
            assertThat(repo.resolve("blocks/_README")).exists();
            assertThat(Files.readString(repo.resolve("blocks/SHARDING"))).isEqualTo(c.sharding() + "\n");
            assertThat(repo.resolve("blocks/diskUsage.cache")).doesNotExist();
        }
    }

    @Test
    void anExplicitShardingIsWrittenForANewStoreAndMustMatchAnExistingOne() throws Exception {
        FlatFsOptions prefix2 = FlatFsOptions.builder().sync(false).sharding("prefix/2").build();
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, prefix2)) {
            store.put(Block.raw(MARS));
        }
        assertThat(Files.readString(repo.resolve("blocks/SHARDING"))).isEqualTo("/repo/flatfs/shard/v1/prefix/2\n");
        assertThat(repo.resolve("blocks/CI/" + MARS_KEY + ".data")).hasBinaryContent(MARS);

        FlatFsOptions other = FlatFsOptions.builder().sharding("/repo/flatfs/shard/v1/next-to-last/2").build();
        assertThatThrownBy(() -> FlatFsBlockstore.open(repo, other)).isInstanceOf(StorageException.class)
                .hasMessageContaining("prefix/2").hasMessageContaining("next-to-last/2").hasMessageContaining("SHARDING");
        // without an explicit choice, the directory's own sharding is used
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            assertThat(store.get(Cid.parse(MARS_CID)).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void invalidShardingOptionsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> FlatFsOptions.builder().sharding("next-to-first/2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("next-to-first");
        assertThatThrownBy(() -> FlatFsOptions.builder().sharding("prefix/0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix/0");
    }

    @Test
    void anUnparseableShardingFileIsRefusedWithItsPathAndContent() throws Exception {
        Path flatfs = Files.createDirectories(repo.resolve("blocks"));
        for (String bad : List.of("/repo/flatfs/shard/v2/next-to-last/2", "/repo/flatfs/shard/v1/middle/2",
                "/repo/flatfs/shard/v1/prefix/two", "garbage", "", "/other/prefix/v1/prefix/2")) {
            Files.writeString(flatfs.resolve("SHARDING"), bad + "\n");
            assertThatThrownBy(() -> FlatFsBlockstore.open(repo, noSync()))
                    .as(bad).isInstanceOf(StorageException.class)
                    .hasMessageContaining("SHARDING").hasMessageContaining(flatfs.toString())
                    .hasMessageContaining(bad)
                    .satisfies(e -> assertThat(((StorageException) e).path()).isEqualTo(flatfs.resolve("SHARDING")));
        }
        // the refused open released its lock, so a repaired directory opens
        Files.writeString(flatfs.resolve("SHARDING"), "/repo/flatfs/shard/v1/next-to-last/2\n");
        FlatFsBlockstore.open(repo, noSync()).close();
    }

    @Test
    void aNonEmptyDirectoryWithoutShardingIsRefusedButAnEmptyOneIsInitialised() throws Exception {
        Path flatfs = Files.createDirectories(repo.resolve("blocks"));
        Files.createDirectories(flatfs.resolve("MT"));
        Files.write(flatfs.resolve("MT/" + MARS_KEY + ".data"), MARS);
        assertThatThrownBy(() -> FlatFsBlockstore.open(repo, noSync())).isInstanceOf(StorageException.class)
                .hasMessageContaining("without a SHARDING file").hasMessageContaining("MT");
        assertThat(flatfs.resolve("SHARDING")).doesNotExist();

        deleteRecursively(flatfs.resolve("MT"));
        Files.createDirectories(flatfs.resolve(".temp"));
        FlatFsBlockstore.open(repo, noSync()).close();
        assertThat(flatfs.resolve("SHARDING")).hasContent("/repo/flatfs/shard/v1/next-to-last/2");
    }

    @Test
    void aRepositoryRootThatIsReallyAFlatfsDirectoryIsRefusedWithAHint() throws Exception {
        Files.writeString(repo.resolve("SHARDING"), "/repo/flatfs/shard/v1/next-to-last/2\n");
        assertThatThrownBy(() -> FlatFsBlockstore.open(repo, noSync())).isInstanceOf(StorageException.class)
                .hasMessageContaining("repository root");
        assertThat(repo.resolve("blocks")).doesNotExist();
    }

    @Test
    void tempLeftoversAreRemovedOnOpenAndNeverListed() throws Exception {
        Path temp = Files.createDirectories(repo.resolve("blocks/.temp/nested"));
        Files.writeString(repo.resolve("blocks/SHARDING"), "/repo/flatfs/shard/v1/next-to-last/2\n");
        Files.write(temp.resolve("half"), new byte[100]);
        Files.write(repo.resolve("blocks/.temp/put-123"), MARS);
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            try (Stream<Path> left = Files.list(repo.resolve("blocks/.temp"))) {
                assertThat(left.toList()).isEmpty();
            }
            try (Stream<Cid> keys = store.allKeys()) {
                assertThat(keys.toList()).isEmpty();
            }
        }
    }

    @Test
    void filesThatAreNotKeysAreIgnoredByAllKeys() throws Exception {
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            store.put(Block.raw(MARS));
            Path mt = repo.resolve("blocks/MT");
            Files.write(mt.resolve("put-4711"), MARS);                              // a Kubo temp file
            Files.write(mt.resolve(MARS_KEY + ".tmp"), MARS);                       // other extension
            Files.write(mt.resolve(MARS_KEY.toLowerCase() + ".data"), MARS);        // not canonical upper case
            Files.write(mt.resolve("NOT-BASE32!MTX.data"), MARS);                   // not base32
            Files.write(mt.resolve("AAAAAAAMTA.data"), MARS);                       // base32, but not a multihash
            Files.createDirectories(repo.resolve("blocks/ZZ"));
            Files.write(repo.resolve("blocks/ZZ/" + MARS_KEY + ".data"), MARS);     // a key in the wrong shard
            Files.writeString(repo.resolve("blocks/notes.txt"), "hello");
            Files.createDirectories(repo.resolve("blocks/.hidden"));
            try (Stream<Cid> keys = store.allKeys()) {
                assertThat(keys.toList()).containsExactly(Cid.parse(MARS_CID));
            }
        }
    }

    @Test
    void anIoFailureNamesThePathAndLeavesNoPartialBlock() throws Exception {
        // Tests run as root, so permissions cannot provoke the failure; obstacles in the file system do.
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            Block mars = Block.raw(MARS);
            Block venus = Block.raw(VENUS);

            // 1. a regular file where the shard directory must go
            Files.writeString(repo.resolve("blocks/MT"), "in the way");
            assertThatThrownBy(() -> store.put(mars)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(repo.resolve("blocks/MT").toString())
                    .hasMessageContaining(mars.cid().toString())
                    .satisfies(e -> assertThat(((StorageException) e).path()).startsWithRaw(repo.resolve("blocks/MT")));
            assertThat(store.has(mars.cid())).isFalse();
            Files.delete(repo.resolve("blocks/MT"));

            // 2. a directory in the block's own place is corruption (issue 11): it is moved to
            // quarantine and the block stored; no temporary file is left behind
            Path target = store.pathOf(venus.cid());
            Files.createDirectories(target.resolve("obstacle"));
            assertThat(store.has(venus.cid())).isFalse();
            store.put(venus);
            assertThat(store.get(venus.cid()).bytes()).isEqualTo(VENUS);
            assertThat(repo.resolve("quarantine").resolve(target.getFileName()).resolve("obstacle")).isDirectory();
            try (Stream<Path> left = Files.list(repo.resolve("blocks/.temp"))) {
                assertThat(left.toList()).as("no temporary file left").isEmpty();
            }

            // other blocks are unaffected, and the obstacle once gone, the blocks go in
            store.putMany(List.of(mars, venus));
            assertThat(store.get(venus.cid()).bytes()).isEqualTo(VENUS);
            assertThat(store.get(mars.cid()).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws Exception {
        FlatFsBlockstore first = FlatFsBlockstore.open(repo, noSync());
        first.put(Block.raw(MARS));
        assertThatThrownBy(() -> FlatFsBlockstore.open(repo, noSync())).isInstanceOf(StorageException.class)
                .hasMessageContaining("already open");
        first.close();
        try (FlatFsBlockstore second = FlatFsBlockstore.open(repo, noSync())) {
            assertThat(second.get(Cid.parse(MARS_CID)).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void aTruncatedCopyIsRepairedByTheNextPut() throws Exception {
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            Block mars = Block.raw(MARS);
            Files.createDirectories(repo.resolve("blocks/MT"));
            Files.write(store.pathOf(mars.cid()), Arrays.copyOf(MARS, 5));
            store.put(mars);
            assertThat(store.get(mars.cid()).bytes()).isEqualTo(MARS);
        }
    }

    @Test
    void concurrentPutsOfOneKeyAlwaysLeaveAndServeTheWholeBlock() throws Exception {
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + (i >>> 11));
        }
        Block block = Block.raw(big);
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            int threads = 4;
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    boolean writer = t % 2 == 0;
                    fs.add(ex.submit(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < 40; i++) {
                                if (writer) {
                                    // delete first so each put really writes and renames over the race
                                    store.delete(block.cid());
                                    store.put(block);
                                } else {
                                    try {
                                        if (!Arrays.equals(store.get(block.cid()).bytes(), big)) {
                                            failures.add(new AssertionError("a partial or wrong block was read"));
                                        }
                                    } catch (BlockNotFoundException e) {
                                        // between a delete and the put: allowed
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                ex.shutdownNow();
            }
            assertThat(failures).isEmpty();
            store.put(block);
            assertThat(store.get(block.cid()).bytes()).isEqualTo(big);
            try (Stream<Path> left = Files.list(repo.resolve("blocks/.temp"))) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    @Test
    void blocksSurviveReopening() throws Exception {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            blocks.add(Block.raw(("block " + i).getBytes(StandardCharsets.UTF_8)));
        }
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            store.putMany(blocks);
        }
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults())) {
            for (Block b : blocks) {
                assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            try (Stream<Cid> keys = store.allKeys()) {
                assertThat(keys.count()).isEqualTo(50);
            }
            Cid dagPb = Cid.v1(Multicodec.DAG_PB, blocks.get(0).cid().multihash());
            assertThat(store.get(dagPb).cid()).isEqualTo(dagPb);
        }
    }

    /** Writers racing to create the same new shard directory must all succeed. */
    @Test
    void concurrentFirstPutsIntoOneNewShardAllSucceed() throws Exception {
        for (int round = 0; round < 40; round++) {
            Path dir = Files.createTempDirectory(repo, "round");
            // prefix/1 puts every sha2-256 key ("CIQ...") into the one shard "C"
            FlatFsOptions options = FlatFsOptions.builder().sync(false).sharding("prefix/1").build();
            try (FlatFsBlockstore store = FlatFsBlockstore.open(dir, options)) {
                int threads = 6;
                ExecutorService ex = Executors.newFixedThreadPool(threads);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Block>> fs = new ArrayList<>();
                try {
                    for (int t = 0; t < threads; t++) {
                        Block b = Block.raw(("round " + round + " writer " + t).getBytes(StandardCharsets.UTF_8));
                        fs.add(ex.submit(() -> {
                            start.await();
                            store.put(b);
                            return b;
                        }));
                    }
                    start.countDown();
                    for (Future<Block> f : fs) {
                        Block b = f.get(30, TimeUnit.SECONDS);
                        assertThat(dir.resolve("blocks/C").resolve(key(b) + ".data")).hasBinaryContent(b.bytes());
                    }
                } finally {
                    ex.shutdownNow();
                }
            }
        }
    }

    @Test
    void largeViewsAreMappedReadOnlyAndUnmappedWhenTheReaderReturns() throws Exception {
        byte[] big = new byte[600_000];
        new java.util.Random(7).nextBytes(big);
        Block block = Block.raw(big);
        Block small = Block.raw(MARS);
        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, noSync())) {
            assertThat(store.options().mapViewsFrom()).isEqualTo(512 * 1024);
            store.putMany(List.of(block, small));
            java.nio.ByteBuffer[] leaked = new java.nio.ByteBuffer[1];
            byte[] seen = store.view(block.cid(), buf -> {
                assertThat(buf.isDirect()).as("mapped, not copied into the heap").isTrue();
                assertThat(buf.isReadOnly()).isTrue();
                leaked[0] = buf;
                byte[] copy = new byte[buf.remaining()];
                buf.get(copy);
                return copy;
            });
            assertThat(seen).isEqualTo(big);
            // a buffer kept past the call is unmapped: touching it fails rather than reading freed memory
            assertThatThrownBy(() -> leaked[0].get(0)).isInstanceOf(IllegalStateException.class);

            // below mapViewsFrom: read into native memory of the store's own, not mapped, not a heap array
            boolean smallIsDirect = store.view(small.cid(), java.nio.ByteBuffer::isDirect);
            assertThat(smallIsDirect).isTrue();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
