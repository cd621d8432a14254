package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 3 at the store: on a real file system that runs out of space, a put fails with
 * {@link StorageFullException} (no path in the message), leaves nothing partial behind (no block
 * file, no temporary file), every acknowledged block stays readable, and once blocks are removed
 * writes succeed again by themselves.
 */
class FlatFsNoSpaceTest {

    @Test
    void aFullFileSystemRefusesCleanlyAndRecovers() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount("512k");
             FlatFsBlockstore base = FlatFsBlockstore.open(fs.root().resolve("data"),
                     FlatFsOptions.builder().sync(true).trackUsage(true).build())) {
            StorageGovernor governor = StorageGovernor.over(base, StorageLimits.unlimited());
            Blockstore store = new StorageLimitedBlockstore(Blockstores.layered(base, false), governor);
            List<Block> stored = new ArrayList<>();
            StorageFullException refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                Block b = IntegrityOnReadTest.block(16 * 1024, i);
                try {
                    store.put(b);
                    stored.add(b);
                } catch (StorageFullException e) {
                    refused = e;
                    assertThat(store.has(b.cid())).as("no partial block").isFalse();
                    assertThat(Files.exists(base.pathOf(b.cid()))).isFalse();
                }
            }
            assertThat(refused).as("a 512k tmpfs fills up").isNotNull();
            assertThat(refused.reason()).isEqualTo(StorageFullException.Cause.NO_SPACE);
            assertThat(refused.getMessage()).contains("no space left on device").doesNotContain(fs.root().toString());
            assertThat(governor.status().full()).isTrue();
            try (Stream<Path> temp = Files.list(base.flatFsDirectory().resolve(".temp"))) {
                assertThat(temp.toList()).as("no temporary file left").isEmpty();
            }
            for (Block b : stored) {
                assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            assertThat(base.usedBytes()).isEqualTo(stored.size() * 16L * 1024);

            for (Block b : stored.subList(0, 4)) {
                store.delete(b.cid());
            }
            Block again = IntegrityOnReadTest.block(16 * 1024, 9999);
            store.put(again);
            assertThat(store.get(again.cid()).bytes()).isEqualTo(again.bytes());
            assertThat(governor.status().full()).as("writes resumed by themselves").isFalse();
        }
    }
}
