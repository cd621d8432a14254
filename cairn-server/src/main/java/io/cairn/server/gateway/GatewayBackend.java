package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockBytes;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;

import java.io.IOException;
import java.util.Optional;

/**
 * What the gateway's response handlers need from the data behind them, after boxo's
 * {@code IPFSBackend}: blocks, path resolution and DAG walks. The handlers know HTTP; a backend
 * knows blocks and IPLD. {@link BlockstoreBackend} serves a local {@link io.cairn.blockstore.Blockstore}.
 */
public interface GatewayBackend {
    /** The block, with identity CIDs answered from the CID itself. @throws io.cairn.blockstore.BlockNotFoundException */
    Block get(Cid cid);

    /** The block's size without reading it where possible. @throws io.cairn.blockstore.BlockNotFoundException */
    int size(Cid cid);

    boolean has(Cid cid);

    /** Zero-copy reads, when the store offers them (see {@link Viewer}). */
    Optional<Viewer> viewer();

    /**
     * The block's bytes if they are in memory now (the content cache), lent without reading disk or
     * network and pinned until the returned lease is closed, counted as a read; null when they are
     * not (or the backend cannot tell). Close it once the bytes have been written.
     */
    default BlockBytes openResident(Cid cid) {
        return null;
    }

    /**
     * Resolves a content path, fetching only what proving each segment needs (for a UnixFS
     * directory its block, for a HAMT the shards on the way, for dag-cbor/dag-json the blocks the
     * path crosses).
     *
     * @throws GatewayException 404 when a segment does not exist
     */
    ResolvedPath resolve(ContentPath path);

    /**
     * Walks the blocks {@code scope} selects below {@code terminal} (which is handed to the sink
     * first), depth-first in link order; with {@code dups} a block is sent each time it is reached,
     * without it once;
     * {@code range} (entity-bytes, may be null) narrows a UnixFS file to the blocks holding that range.
     * A block missing mid-walk ends the walk with {@link io.cairn.blockstore.BlockNotFoundException}.
     */
    void walk(Block terminal, DagScope scope, EntityBytes range, boolean dups, BlockSink sink) throws IOException;

    /** The byte length of a terminal that is a byte entity (a UnixFS file or raw block), -1 for anything else. */
    long entitySize(Block terminal);

    /** Receives blocks in walk order. */
    @FunctionalInterface
    interface BlockSink {
        void accept(Block block) throws IOException;
    }
}
