package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A block's bytes lent for a bounded time: a read-only buffer valid until {@link #close()}.
 * Use with try-with-resources:
 * <pre>{@code
 * try (BlockBytes bytes = block.open()) {        // or caching.open(cid): cached bytes stay in native memory
 *     channel.write(bytes.buffer());
 * }
 * }</pre>
 * Over native memory (from {@link CachingBlockstore#open}) the bytes are pinned while the lease is
 * open: eviction and memory trims wait for it, so hold it no longer than the use. After close the
 * buffer must not be touched; {@link #buffer()} then throws, and a buffer obtained before may read
 * freed memory. Not thread-safe: one owner opens and closes it.
 */
public final class BlockBytes implements AutoCloseable {
    private final ByteBuffer buffer;
    private final AutoCloseable release;
    private boolean closed;

    BlockBytes(ByteBuffer buffer, AutoCloseable release) {
        this.buffer = Objects.requireNonNull(buffer, "buffer").asReadOnlyBuffer();
        this.release = release;
    }

    /** The bytes, read-only, from position 0 to the block's size. Each call gives a fresh duplicate. */
    public ByteBuffer buffer() {
        if (closed) {
            throw new IllegalStateException("block bytes already closed");
        }
        return buffer.duplicate();
    }

    public int size() {
        return buffer.remaining();
    }

    /** A heap copy that outlives the lease. */
    public byte[] copy() {
        byte[] out = new byte[buffer.remaining()];
        buffer().get(out);
        return out;
    }

    /** Whether the bytes live outside the Java heap (a cached block lent from native memory). */
    public boolean isDirect() {
        return buffer.isDirect();
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
}
