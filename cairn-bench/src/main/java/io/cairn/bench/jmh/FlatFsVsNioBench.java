package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * flatfs against the file system itself: the same bytes written and read as one file each with
 * plain NIO. With {@code sync=true} the NIO write also forces the file to disk (flatfs additionally
 * writes to a temporary name, renames and fsyncs the directory: that difference is what the ratio
 * shows). As in {@link BlockstoreBench}, writes go to a slot freed by an untimed per-invocation
 * delete so that each one creates a file.
 */
public class FlatFsVsNioBench extends BlockPoolBench {

    @Param({"true", "false"})
    public boolean sync;

    private Path flatDir;
    private Path nioDir;
    private FlatFsBlockstore flatfs;
    private Path[] files;

    @Setup(Level.Trial)
    public void open() throws IOException {
        int pool = createPool();
        flatDir = Files.createTempDirectory("cairn-jmh-flat-");
        nioDir = Files.createTempDirectory("cairn-jmh-nio-");
        flatfs = FlatFsBlockstore.open(flatDir, FlatFsOptions.builder().sync(sync).build());
        files = new Path[pool];
        for (int i = 0; i < pool; i++) {
            // two-level fan-out like flatfs's next-to-last/2, so directory sizes are comparable
            String name = blocks[i].cid().toString();
            Path shard = nioDir.resolve(name.substring(name.length() - 3, name.length() - 1));
            Files.createDirectories(shard);
            files[i] = shard.resolve(name + ".data");
            flatfs.put(blocks[i]);
            nioWrite(files[i], blocks[i].bytes(), sync);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        flatfs.close();
        StoreFixtures.deleteRecursively(flatDir);
        StoreFixtures.deleteRecursively(nioDir);
    }

    /** Frees the slot the next write goes to (untimed). */
    @State(Scope.Benchmark)
    public static class FreeSlot {
        @Setup(Level.Invocation)
        public void free(FlatFsVsNioBench b) throws IOException {
            int slot = b.nextSlot();
            b.flatfs.delete(b.blocks[slot].cid());
            Files.deleteIfExists(b.files[slot]);
        }
    }

    @Benchmark
    public void flatfsWrite(FreeSlot slot) {
        flatfs.put(blocks[next]);
    }

    @Benchmark
    public void nioWrite(FreeSlot slot) throws IOException {
        nioWrite(files[next], blocks[next].bytes(), sync);
    }

    @Benchmark
    public Block flatfsRead() {
        return flatfs.get(blocks[step()].cid());
    }

    @Benchmark
    public byte[] nioRead() throws IOException {
        return Files.readAllBytes(files[step()]);
    }

    static void nioWrite(Path file, byte[] data, boolean sync) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        }
    }
}
