package io.cairn.blockstore;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The stack {@link Blockstores#flatFs} builds (identity over validating over flatfs, fsync off)
 * honours the same contract as a bare store: wrappers must not change semantics.
 */
class LayeredFlatFsContractTest extends BlockstoreContractTest {
    @TempDir
    Path tmp;

    @Override
    protected Blockstore create(BlockSizeLimit limit) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "repo");
        return Blockstores.flatFs(dir, FlatFsOptions.builder().blockSizeLimit(limit).sync(false).hashOnRead(true).build());
    }
}
