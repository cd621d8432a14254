package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A block's bytes lent for a bounded time: read-only buffers valid until {@link #close()}.
 * Use with try-with-resources:
 * <pre>{@code
 * try (BlockBytes bytes = block.open()) {        // or caching.open(cid): cached bytes stay in native memory
 *     channel.write(bytes.buffers());            // a gathering write, nothing copied
 * }
 * }</pre>
 * The bytes are in one buffer (a heap block, a cached block) or in several (a native block read
 * into fixed-size chunks, such as an upload): {@link #buffers()} is always the zero-copy view;
 * {@link #buffer()} is one buffer, zero-copy when there is one segment and a heap copy otherwise.
 *
 * <p>Over native memory (from {@link CachingBlockstore#open}) the bytes are pinned while the lease is
 * open: eviction and memory trims wait for it, so hold it no longer than the use. After close the
 * buffers must not be touched; {@link #buffer()} then throws, and a buffer obtained before may read
 * freed memory. Not thread-safe: one owner opens and closes it.
 */
public final class BlockBytes implements AutoCloseable {
    private final ByteBuffer[] buffers;
    private final int size;
    private final AutoCloseable release;
    private boolean closed;

    BlockBytes(ByteBuffer buffer, AutoCloseable release) {
        this(new ByteBuffer[] {Objects.requireNonNull(buffer, "buffer")}, release);
    }

    BlockBytes(ByteBuffer[] buffers, AutoCloseable release) {
        this.buffers = new ByteBuffer[buffers.length];
        long total = 0;
        for (int i = 0; i < buffers.length; i++) {
            this.buffers[i] = buffers[i].asReadOnlyBuffer();
            total += buffers[i].remaining();
        }
        this.size = Math.toIntExact(total);
        this.release = release;
    }

    /**
     * The bytes, read-only, from position 0 to the block's size. Each call gives a fresh buffer: a
     * duplicate when the bytes are in one segment, a heap copy when they are in several.
     */
    public ByteBuffer buffer() {
        checkOpen();
        if (buffers.length == 1) {
            return buffers[0].duplicate();
        }
        return ByteBuffer.wrap(copy()).asReadOnlyBuffer();
    }

    /** The bytes in place, one read-only buffer per segment in order; fresh duplicates on each call. */
    public ByteBuffer[] buffers() {
        checkOpen();
        ByteBuffer[] out = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            out[i] = buffers[i].duplicate();
        }
        return out;
    }

    public int size() {
        return size;
    }

    /** A heap copy that outlives the lease. */
    public byte[] copy() {
        checkOpen();
        byte[] out = new byte[size];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            b.get(b.position(), out, at, n);
            at += n;
        }
        return out;
    }

    /** Whether the bytes live outside the Java heap (a cached block lent from native memory, an upload). */
    public boolean isDirect() {
        return buffers.length > 0 && buffers[0].isDirect();
    }

    /** Ends the lease. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (release != null) {
            try {
                release.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("block bytes already closed");
        }
    }
}
