package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.IntegrityBlockstore;
import io.cairn.blockstore.Viewer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What checking every read against its multihash costs (issue 11): flatfs {@code get} and
 * {@code view} with the check ({@code checked=on}, the {@link IntegrityBlockstore} every stack now
 * has) and without ({@code off}, the bare store), side by side in one run, plus the hash alone
 * ({@code sha256}: {@code Multihash.matches} on bytes already in memory, which is the whole of the
 * added work). Reads come from the page cache: the pool (about 64 MiB) is written first and read
 * round-robin, so the disk itself is not in the figures and the check's share is the largest it can be.
 */
public class IntegrityBench extends BlockPoolBench {

    @Param({"off", "on"})
    public String checked;

    private Path dir;
    private FlatFsBlockstore base;
    private Blockstore store;

    @Setup(Level.Trial)
    public void open() throws IOException {
        createPool();
        dir = Files.createTempDirectory("cairn-jmh-integrity-");
        base = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).build());
        for (Block b : blocks) {
            base.put(b);
        }
        store = checked.equals("on") ? IntegrityBlockstore.over(base) : base;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        base.close();
        StoreFixtures.deleteRecursively(dir);
    }

    @Benchmark
    public byte[] get() {
        return store.get(blocks[step()].cid()).bytes();
    }

    @Benchmark
    public int view() {
        return ((Viewer) store).view(blocks[step()].cid(), ByteBuffer::remaining);
    }

    /** The hash alone, on bytes already in memory (run once per size: {@code checked} does not apply). */
    @Benchmark
    public boolean sha256() {
        Block b = blocks[step()];
        return b.cid().multihash().matches(b.bytes());
    }
}
