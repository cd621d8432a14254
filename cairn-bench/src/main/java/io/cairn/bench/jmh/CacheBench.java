package io.cairn.bench.jmh;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Cache throughput on the server's real key and value types: CID keys, byte-array values of a
 * block's size, weighed in bytes, with Zipf-distributed requests (exponent 0.99, as in the
 * Caffeine and cache2k benchmarks). Each operation is a lookup and, on a miss, an insert; the
 * cache holds a tenth of the key space, so the mix has both. Cairn's engine under each eviction
 * policy against Caffeine (default configuration: maintenance on the common pool).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class CacheBench {
    static final int KEYS = 1 << 17;
    static final int SAMPLES = 1 << 20;

    /**
     * {@code caffeine-caller} is Caffeine with its maintenance on the calling thread
     * ({@code executor(Runnable::run)}), as Cairn does it: a reference for machines where a second
     * maintenance thread changes the comparison (a loaded or one-core machine). Likewise a Cairn
     * policy with {@code -caller} ({@code maintenanceExecutor(CacheBuilder.CALLING_THREAD)}); without
     * it Cairn uses its default, the common pool, as Caffeine does.
     */
    @Param({"caffeine", "adaptive", "wtinylfu", "lru", "arc", "lfu", "caffeine-caller", "adaptive-caller"})
    public String impl;

    @Param({"4096"})
    public int valueBytes;

    Cid[] keys;
    int[] samples;
    byte[][] values;
    Function<Cid, byte[]> getIfPresent;
    java.util.function.BiConsumer<Cid, byte[]> put;
    AutoCloseable closer;

    @Setup(Level.Trial)
    public void setUp() {
        keys = new Cid[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Cid.of(Multicodec.RAW, HashFunction.SHA2_256, ByteBuffer.allocate(8).putLong(i).array());
        }
        samples = Zipf.samples(KEYS, 0.99, SAMPLES, 1234);
        // a few distinct payloads stand in for block contents: their count does not matter to the
        // cache, only their weight does, and sharing them keeps the heap small
        values = new byte[16][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[valueBytes];
            values[i][0] = (byte) i;
        }
        long maxWeight = (long) (KEYS / 10) * valueBytes;
        if (impl.startsWith("caffeine")) {
            Caffeine<Object, Object> b = Caffeine.newBuilder();
            if (impl.equals("caffeine-caller")) {
                b.executor(Runnable::run);
            }
            com.github.benmanes.caffeine.cache.Cache<Cid, byte[]> c = b
                    .maximumWeight(maxWeight).weigher((Cid k, byte[] v) -> v.length).build();
            getIfPresent = c::getIfPresent;
            put = c::put;
            closer = null;
        } else {
            boolean caller = impl.endsWith("-caller");
            CacheBuilder<Cid, byte[]> b = CacheBuilder.<Cid, byte[]>newBuilder().maximumWeight(maxWeight)
                    .weigher((Cid k, byte[] v) -> v.length)
                    .evictionPolicy(EvictionPolicy.byName(caller ? impl.substring(0, impl.length() - 7) : impl));
            if (caller) {
                b.maintenanceExecutor(CacheBuilder.CALLING_THREAD);
            }
            Cache<Cid, byte[]> c = b.build();
            getIfPresent = c::getIfPresent;
            put = c::put;
            closer = c;
        }
        for (int i = 0; i < KEYS / 10; i++) {
            put.accept(keys[samples[i]], values[i & 15]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (closer != null) {
            closer.close();
        }
    }

    /** Each thread walks the shared sample array from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;

        @Setup(Level.Trial)
        public void start() {
            i = new SplittableRandom(Thread.currentThread().threadId()).nextInt(SAMPLES);
        }
    }

    /** One get-or-put for {@link CacheCpuCost}: 1 if it hit, 0 if it put. */
    int getOrPut(Cursor c) {
        int k = samples[c.i];
        c.i = (c.i + 1) & (SAMPLES - 1);
        Cid key = keys[k];
        if (getIfPresent.apply(key) != null) {
            return 1;
        }
        put.accept(key, values[k & 15]);
        return 0;
    }

    private Object access(Cursor c) {
        int k = samples[c.i];
        c.i = (c.i + 1) & (SAMPLES - 1);
        Cid key = keys[k];
        byte[] v = getIfPresent.apply(key);
        if (v == null) {
            v = values[k & 15];
            put.accept(key, v);
        }
        return v;
    }

    @Benchmark
    @Threads(1)
    public Object getOrPut1Thread(Cursor c) {
        return access(c);
    }

    @Benchmark
    @Threads(2)
    public Object getOrPut2Threads(Cursor c) {
        return access(c);
    }
}
