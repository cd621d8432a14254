package io.cairn.bench.jmh;

import io.cairn.blockstore.Block;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the store benchmarks ({@link BlockstoreBench}, {@link FlatFsVsNioBench}) share: their JMH
 * settings (inherited), the {@code blockSize} parameter, a pool of random blocks and the cursor
 * that walks it. A write goes to the slot {@link #nextSlot()} has just chosen and freed in an
 * untimed per-invocation setup; reads walk the pool with {@link #step()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public abstract class BlockPoolBench {

    @Param({"4096", "262144"})
    public int blockSize;

    Block[] blocks;
    int next;

    /** Fills {@link #blocks} with about 64 MiB of random blocks (64 to 4096 of them); returns how many. */
    int createPool() {
        int pool = Math.max(64, (int) Math.min(4096, (64L << 20) / blockSize));
        blocks = StoreFixtures.randomBlocks(pool, blockSize, 42);
        return pool;
    }

    /** Moves to the slot the next write goes to and returns its index (the caller frees it). */
    int nextSlot() {
        next = (next + 1) % blocks.length;
        return next;
    }

    /** Moves to the next block of the pool, wrapping around, and returns its index. */
    int step() {
        next = next + 1 == blocks.length ? 0 : next + 1;
        return next;
    }
}
