package io.cairn.server.http;

import io.cairn.memory.HeapFootprint;
import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.MemoryGovernor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Reading one upload part into memory: {@code chunked}, today's {@link ReservedBuffer} (native
 * 64 KiB chunks reserved as they are filled, the first no bigger than the declared body, handed on
 * as a chain over the chunks, no array), against {@code doubling}, the anchor:
 * the buffer it replaced (reserve the declared body, grow by doubling and copying, keep every
 * reservation). The stream hands out at most 64 KiB per read, as the multipart reader's window does.
 *
 * <p>Lives in {@code io.cairn.server.http} because the buffer is package-private there.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class UploadBufferBench {
    static final int WINDOW = 64 * 1024;
    static final int LIMIT = 4 * 1024 * 1024;

    @Param({"4096", "262144", "4194304"})
    public int size;

    @Param({"chunked", "doubling"})
    public String buffer;

    byte[] data;
    MemoryGovernor governor;

    @Setup
    public void setup() {
        data = new byte[size];
        new Random(7).nextBytes(data);
        governor = new ManualMemoryGovernor(1L << 40);
    }

    InputStream part() {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, WINDOW));
            }
        };
    }

    @Benchmark
    public int readPart() throws IOException {
        long declared = size + 200L; // one part: the block plus multipart framing
        if (buffer.equals("chunked")) {
            try (ReservedBuffer b = new ReservedBuffer(governor, declared)) {
                return b.readPart(part(), LIMIT).size();
            }
        }
        return doubling(part(), declared).length;
    }

    /** The anchor: the pre-issue-10 ReservedBuffer.readAll, declared body as the size hint. */
    byte[] doubling(InputStream in, long sizeHint) throws IOException {
        List<MemoryGovernor.Reservation> held = new ArrayList<>();
        try {
            int cap = (int) Math.min((long) LIMIT + 1, sizeHint + 1);
            held.add(governor.tryReserve(HeapFootprint.ofByteArray(cap)));
            byte[] buf = new byte[cap];
            int count = 0;
            while (true) {
                if (count == buf.length) {
                    int next = (int) Math.min((long) LIMIT + 1, (long) buf.length * 2);
                    held.add(governor.tryReserve(HeapFootprint.ofByteArray(next)));
                    buf = Arrays.copyOf(buf, next);
                }
                int n = in.read(buf, count, buf.length - count);
                if (n < 0) {
                    break;
                }
                count += n;
            }
            held.add(governor.tryReserve(HeapFootprint.ofByteArray(count)));
            byte[] out = Arrays.copyOf(buf, count);
            return out;
        } finally {
            held.forEach(MemoryGovernor.Reservation::release);
        }
    }
}
