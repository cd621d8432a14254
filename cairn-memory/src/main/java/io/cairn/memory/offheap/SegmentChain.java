package io.cairn.memory.offheap;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes held in native memory as an ordered chain of segments (for example the fixed-size chunks an
 * upload was read into), with one explicit lifetime: {@link #close()} runs the release given at
 * construction, which hands the segments back to wherever they came from. Nothing is copied to
 * build a chain, and the chain never copies unless asked to ({@link #copyTo}, {@link #toArray}).
 *
 * <p>The chain must not be read after it is closed; its accessors then throw, but a buffer taken
 * before the close may read freed (in poison mode: poisoned) memory. Closing is idempotent and
 * thread-safe; reading concurrently with a close is the caller's error.
 */
public final class SegmentChain implements AutoCloseable {
    private final MemorySegment[] segments;
    private final int size;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SegmentChain(MemorySegment[] segments, int size, Runnable release) {
        this.segments = segments;
        this.size = size;
        this.release = release;
    }

    /**
     * A chain over {@code segments}, in order, each read whole.
     *
     * @param release run once, by the first {@link #close()}; may be null
     * @throws IllegalArgumentException if the segments hold 2 GiB or more together
     */
    public static SegmentChain of(List<MemorySegment> segments, Runnable release) {
        MemorySegment[] s = segments.toArray(MemorySegment[]::new);
        long total = 0;
        for (MemorySegment m : s) {
            total += Objects.requireNonNull(m, "segment").byteSize();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a chain holds less than 2 GiB, got " + total + " bytes");
        }
        return new SegmentChain(s, (int) total, release);
    }

    /** Bytes in the chain. */
    public int size() {
        return size;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** The {@code i}-th segment, read-only. */
    public MemorySegment segment(int i) {
        checkOpen();
        return segments[i].asReadOnly();
    }

    /** One fresh read-only buffer per segment, in order: for a gathering write or an in-place hash. */
    public ByteBuffer[] buffers() {
        checkOpen();
        ByteBuffer[] out = new ByteBuffer[segments.length];
        for (int i = 0; i < segments.length; i++) {
            out[i] = segments[i].asByteBuffer().asReadOnlyBuffer();
        }
        return out;
    }

    /** Copies the whole chain into {@code target} at {@code at}. */
    public void copyTo(byte[] target, int at) {
        checkOpen();
        Objects.checkFromIndexSize(at, size, target.length);
        for (MemorySegment m : segments) {
            MemorySegment.copy(m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, target, at, (int) m.byteSize());
            at += (int) m.byteSize();
        }
    }

    /** A heap copy of the bytes. */
    public byte[] toArray() {
        byte[] out = new byte[size];
        copyTo(out, 0);
        return out;
    }

    /** Whether the bytes equal {@code other}'s, compared in place. */
    public boolean contentEquals(byte[] other) {
        checkOpen();
        if (other.length != size) {
            return false;
        }
        MemorySegment o = MemorySegment.ofArray(other);
        long at = 0;
        for (MemorySegment m : segments) {
            if (MemorySegment.mismatch(m, 0, m.byteSize(), o, at, at + m.byteSize()) != -1) {
                return false;
            }
            at += m.byteSize();
        }
        return true;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Ends the chain's lifetime and releases its segments. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && release != null) {
            release.run();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("segment chain already closed");
        }
    }

    @Override
    public String toString() {
        return "SegmentChain[" + size + " bytes in " + segments.length + " segments" + (isOpen() ? "" : ", closed") + "]";
    }
}
