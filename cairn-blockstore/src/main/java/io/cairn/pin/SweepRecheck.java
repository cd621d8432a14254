package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;

/**
 * How a writer that waited for another process's delete batch makes sure its blocks survived it,
 * asking the shared store itself rather than any cache (a cache may still hold a copy the batch
 * deleted from the store). Over S3: a conditional re-PUT and a HEAD.
 */
public interface SweepRecheck {
    /** Stores {@code block} again if the shared store no longer holds it (a no-op when it does). */
    void restore(Block block);

    /** Whether the shared store holds {@code cid} now. */
    boolean present(Cid cid);
}
