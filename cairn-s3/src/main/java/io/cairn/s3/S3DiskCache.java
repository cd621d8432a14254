package io.cairn.s3;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.blockstore.BlockstoreException;
import io.cairn.blockstore.FlatFsBlockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A bounded local disk cache of hot blocks in front of the bucket, as bazel-remote keeps a disk LRU:
 * a flatfs directory (Kubo's layout, no fsync, since every block in it is also in S3) plus an in-memory
 * LRU index of what it holds, evicting the least recently used blocks once {@code maxBytes} is
 * exceeded. The index is rebuilt from the directory at open. It is a cache: a failure to write to it
 * is logged and ignored, and what it returns is checked against the CID by the caller.
 */
public final class S3DiskCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3DiskCache.class);

    private final FlatFsBlockstore store;
    private final long maxBytes;
    private final LinkedHashMap<Multihash, Integer> lru = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    private S3DiskCache(FlatFsBlockstore store, long maxBytes) {
        this.store = store;
        this.maxBytes = maxBytes;
    }

    /** Opens (or creates) the cache in {@code dir}, holding at most {@code maxBytes} of blocks. */
    public static S3DiskCache open(Path dir, long maxBytes, BlockSizeLimit limit) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("s3-cache-size must be positive, got " + maxBytes);
        }
        FlatFsBlockstore fs = FlatFsBlockstore.open(dir, FlatFsOptions.builder().sync(false).blockSizeLimit(limit).build());
        S3DiskCache cache = new S3DiskCache(fs, maxBytes);
        try (Stream<Cid> keys = fs.allKeys()) {
            keys.forEach(c -> {
                try {
                    int size = fs.getSize(c);
                    synchronized (cache) {
                        cache.lru.put(c.multihash(), size);
                        cache.bytes += size;
                    }
                } catch (BlockNotFoundException e) {
                    // vanished while scanning
                }
            });
        }
        cache.evict();
        return cache;
    }

    /** The cached bytes of {@code mh}, or {@code null}. Unchecked: the caller verifies them. */
    byte[] get(Multihash mh) {
        synchronized (this) {
            if (lru.get(mh) == null) {
                misses.incrementAndGet();
                return null;
            }
        }
        try {
            byte[] data = store.get(raw(mh)).bytes();
            hits.incrementAndGet();
            return data;
        } catch (BlockNotFoundException e) {
            forget(mh);
            misses.incrementAndGet();
            return null;
        } catch (BlockstoreException e) {
            LOG.warn("disk cache read of {} failed, reading from S3: {}", mh, e.getMessage());
            misses.incrementAndGet();
            return null;
        }
    }

    /** The cached size of {@code mh}, or {@code null}. */
    synchronized Integer size(Multihash mh) {
        return lru.get(mh);
    }

    /** Keeps a copy of a block already stored in S3 (or read from it), then evicts down to the budget. */
    void put(Multihash mh, byte[] data) {
        if (data.length > maxBytes) {
            return;
        }
        synchronized (this) {
            if (lru.containsKey(mh)) {
                return;
            }
        }
        try {
            store.put(Block.of(raw(mh), data));
        } catch (BlockstoreException e) {
            LOG.warn("disk cache write of {} failed (the block is safe in S3): {}", mh, e.getMessage());
            return;
        }
        synchronized (this) {
            if (lru.put(mh, data.length) == null) {
                bytes += data.length;
            }
        }
        evict();
    }

    /** Drops {@code mh} (deleted, or found corrupt). */
    void remove(Multihash mh) {
        forget(mh);
        try {
            store.delete(raw(mh));
        } catch (BlockstoreException e) {
            LOG.warn("disk cache delete of {} failed: {}", mh, e.getMessage());
        }
    }

    private synchronized void forget(Multihash mh) {
        Integer size = lru.remove(mh);
        if (size != null) {
            bytes -= size;
        }
    }

    private void evict() {
        while (true) {
            Multihash victim;
            synchronized (this) {
                if (bytes <= maxBytes || lru.isEmpty()) {
                    return;
                }
                Iterator<Map.Entry<Multihash, Integer>> it = lru.entrySet().iterator();
                Map.Entry<Multihash, Integer> eldest = it.next();
                victim = eldest.getKey();
                bytes -= eldest.getValue();
                it.remove();
            }
            evictions.incrementAndGet();
            try {
                store.delete(raw(victim));
            } catch (BlockstoreException e) {
                LOG.warn("disk cache eviction of {} failed: {}", victim, e.getMessage());
            }
        }
    }

    /** Drops every block; returns how many. */
    int clear() {
        java.util.List<Multihash> all;
        synchronized (this) {
            all = new java.util.ArrayList<>(lru.keySet());
        }
        all.forEach(this::remove);
        return all.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int blocks() {
        return lru.size();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public long evictions() {
        return evictions.get();
    }

    public Path directory() {
        return store.flatFsDirectory();
    }

    private static Cid raw(Multihash mh) {
        return Cid.v1(Multicodec.RAW, mh);
    }

    @Override
    public void close() {
        store.close();
    }
}
