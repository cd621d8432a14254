package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.function.Function;

import io.cairn.cid.Cid;

/**
 * Reads a block without handing ownership of its bytes to the caller, so a store can lend out memory
 * it already holds instead of copying it.
 *
 * <p>The buffer passed to {@code reader} is read-only and valid only for the duration of the call:
 * a reader must not keep it (or a slice of it) after returning; copy what must outlive the call.
 */
public interface Viewer {

    /**
     * Applies {@code reader} to the bytes of the block for this CID's multihash.
     *
     * @throws BlockNotFoundException if it is not stored
     */
    <T> T view(Cid cid, Function<ByteBuffer, T> reader);
}
