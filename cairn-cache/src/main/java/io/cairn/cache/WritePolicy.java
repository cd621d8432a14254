package io.cairn.cache;

/** How a cache with a {@link CacheWriter} propagates puts and invalidations to the store. */
public enum WritePolicy {
    /** The store is written before the cache changes; the caller waits for the store. The default. */
    WRITE_THROUGH,
    /**
     * The write is queued and acknowledged at once; a background thread flushes batches. Opens a
     * loss window (queued writes are lost if the process dies) described in docs/CACHE.md.
     */
    WRITE_BEHIND
}
