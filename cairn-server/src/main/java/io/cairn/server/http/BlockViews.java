package io.cairn.server.http;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Writes a block to a response from the buffer its store lends, inside {@link Viewer#view}: a block in
 * the content cache goes to the socket from native memory, pinned until the write has completed or
 * failed (a client abort included), so eviction never frees bytes a write still reads. Without a
 * {@link Viewer} (or for an identity CID) the block is read with {@code get}.
 */
public final class BlockViews {
    private BlockViews() {
    }

    /** Writes (part of) a block; the buffer is valid only during the call. */
    @FunctionalInterface
    public interface Writer {
        void write(ByteBuffer block) throws IOException;
    }

    /**
     * Applies {@code writer} to the block's bytes, blocking until it returns.
     *
     * @throws io.cairn.blockstore.BlockNotFoundException before anything is written, if it is not stored
     */
    public static void write(Blockstore store, Cid cid, Writer writer) throws IOException {
        if (!(store instanceof Viewer viewer) || cid.isIdentity()) {
            writer.write(ByteBuffer.wrap(store.get(cid).bytes()).asReadOnlyBuffer());
            return;
        }
        write(viewer, cid, writer);
    }

    /** As above, through {@code viewer}. */
    public static void write(Viewer viewer, Cid cid, Writer writer) throws IOException {
        try {
            viewer.view(cid, buffer -> {
                try {
                    writer.write(buffer);
                } catch (IOException e) {
                    throw new WriteFailed(e);
                }
                return null;
            });
        } catch (WriteFailed e) {
            throw e.getCause();
        }
    }

    /** Carries a write's IOException out of a {@link Viewer#view} reader function. */
    private static final class WriteFailed extends UncheckedIOException {
        WriteFailed(IOException cause) {
            super(cause);
        }
    }
}
