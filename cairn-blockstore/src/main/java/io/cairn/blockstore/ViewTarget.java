package io.cairn.blockstore;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * An optional capability of a {@link Viewer#view} reader: memory the block may be read into, so a
 * store that reads a block anyway (flatfs) reads it straight where the caller wants it (the content
 * cache's allocation for a miss it will cache) instead of into a buffer of its own that the caller
 * then copies. The store calls {@link #target} with the block's size; if it returns a segment, the
 * store fills it and hands the reader a buffer over exactly that segment, otherwise it reads as
 * usual.
 *
 * <p>Safe by default: a layer in between that wraps the reader (to check the bytes, say) loses the
 * capability, and the store then reads into its own memory, unless the layer passes it on with
 * {@link #carry}, which it may do only if it still applies its check to the buffer the store lends.
 */
interface ViewTarget {
    /** Writable native memory of exactly {@code size} bytes for the block, or null to let the store choose. */
    MemorySegment target(int size);

    /** {@code wrapper}, offering {@code reader}'s target if it has one. */
    static <T> Function<ByteBuffer, T> carry(Function<ByteBuffer, T> reader, Function<ByteBuffer, T> wrapper) {
        if (!(reader instanceof ViewTarget t)) {
            return wrapper;
        }
        return new Carried<>(t, wrapper);
    }

    /** A wrapping reader that keeps the wrapped one's target. */
    record Carried<T>(ViewTarget target, Function<ByteBuffer, T> reader) implements Function<ByteBuffer, T>, ViewTarget {
        @Override
        public T apply(ByteBuffer buffer) {
            return reader.apply(buffer);
        }

        @Override
        public MemorySegment target(int size) {
            return target.target(size);
        }
    }
}
