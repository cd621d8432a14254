package io.cairn.blockstore;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The flatfs store under the common contract, with fsync on (the default), as deployed. */
class FlatFsContractTest extends BlockstoreContractTest {
    @TempDir
    Path tmp;

    @Override
    protected Blockstore create(BlockSizeLimit limit) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "repo");
        return FlatFsBlockstore.open(dir, FlatFsOptions.builder().blockSizeLimit(limit).build());
    }
}
