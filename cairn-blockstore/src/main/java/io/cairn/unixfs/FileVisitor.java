package io.cairn.unixfs;

import io.cairn.blockstore.Block;

import java.io.IOException;

/** Receives what {@link UnixFs#readRange} walks: every block needed, in DFS order, and the content bytes in order. */
public interface FileVisitor {
    /** A block the walk needed (the file root first, then each block that holds part of the range). */
    default void block(Block block) throws IOException {
    }

    /** Content bytes {@code [off, off + len)} of {@code data}, in file order; {@code data} must not be kept. */
    default void bytes(byte[] data, int off, int len) throws IOException {
    }
}
