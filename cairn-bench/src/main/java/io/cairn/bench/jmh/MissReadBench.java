package io.cairn.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Bringing a block missed by the content cache from a flatfs file (in the page cache) into native
 * memory, the three ways it can go: {@code mapped}, map the file and copy from the mapping;
 * {@code readNative}, {@code FileChannel.read} straight into the native destination's buffer;
 * {@code readHeap}, read into a heap array and copy that (how small blocks went before). Each
 * operation opens and closes the file, as a miss does. The destination is a native segment the
 * size of the block (what the cache allocates). 64 files a size, read round-robin.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class MissReadBench {
    static final int FILES = 64;

    @Param({"4096", "262144"})
    public int size;

    private Path dir;
    private Path[] files;
    private Arena arena;
    private MemorySegment target;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("cairn-jmh-miss-");
        files = new Path[FILES];
        Random rnd = new Random(11);
        byte[] b = new byte[size];
        for (int i = 0; i < FILES; i++) {
            rnd.nextBytes(b);
            files[i] = Files.write(dir.resolve(i + ".data"), b);
        }
        arena = Arena.ofShared();
        target = arena.allocate(size, 4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        arena.close();
        StoreFixtures.deleteRecursively(dir);
    }

    private Path nextFile() {
        Path p = files[next];
        next = (next + 1) % FILES;
        return p;
    }

    @Benchmark
    public byte mapped() throws IOException {
        try (FileChannel ch = FileChannel.open(nextFile(), StandardOpenOption.READ);
             Arena a = Arena.ofConfined()) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), a);
            MemorySegment.copy(m, 0, target, 0, m.byteSize());
        }
        return target.get(ValueLayout.JAVA_BYTE, size - 1);
    }

    @Benchmark
    public byte readNative() throws IOException {
        try (FileChannel ch = FileChannel.open(nextFile(), StandardOpenOption.READ)) {
            ByteBuffer dst = target.asByteBuffer();
            while (dst.hasRemaining() && ch.read(dst) >= 0) {
                // fill
            }
        }
        return target.get(ValueLayout.JAVA_BYTE, size - 1);
    }

    @Benchmark
    public byte readHeap() throws IOException {
        try (FileChannel ch = FileChannel.open(nextFile(), StandardOpenOption.READ)) {
            byte[] heap = new byte[(int) ch.size()];
            ByteBuffer dst = ByteBuffer.wrap(heap);
            while (dst.hasRemaining() && ch.read(dst) >= 0) {
                // fill
            }
            MemorySegment.copy(heap, 0, target, ValueLayout.JAVA_BYTE, 0, heap.length);
        }
        return target.get(ValueLayout.JAVA_BYTE, size - 1);
    }
}
