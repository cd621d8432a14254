package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

/**
 * A store on the Java heap, for tests, caches of small working sets and embedding.
 *
 * <p>Blocks are kept by reference: {@link #put(Block)} stores the block's own array and
 * {@link #get(Cid)} and {@link #view} hand it back without copying, which is safe because blocks are
 * immutable by contract (see {@link Block}). Memory cost per block is its bytes plus roughly 150 bytes
 * of map entry, multihash key and array headers.
 */
public final class MemoryBlockstore implements Blockstore, Viewer, GcLocker, Quarantine {
    private final ConcurrentHashMap<Multihash, Block> blocks = new ConcurrentHashMap<>();
    private final BlockSizeLimit limit;
    private final ReadWriteGcLock gcLock = new ReadWriteGcLock();
    private final java.util.concurrent.atomic.LongAdder quarantined = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    /** A store with the default 2 MiB block size limit. */
    public MemoryBlockstore() {
        this(BlockSizeLimit.DEFAULT);
    }

    public MemoryBlockstore(BlockSizeLimit limit) {
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    @Override
    public boolean has(Cid cid) {
        ensureOpen();
        return blocks.containsKey(cid.multihash());
    }

    @Override
    public Block get(Cid cid) {
        ensureOpen();
        Block b = blocks.get(cid.multihash());
        if (b == null) {
            throw new BlockNotFoundException(cid);
        }
        return b.withCid(cid);
    }

    @Override
    public int getSize(Cid cid) {
        ensureOpen();
        Block b = blocks.get(cid.multihash());
        if (b == null) {
            throw new BlockNotFoundException(cid);
        }
        return b.size();
    }

    @Override
    public void put(Block block) {
        ensureOpen();
        limit.check(block.size());
        // Kept by reference: a native block lives only as long as its owner keeps it open.
        blocks.putIfAbsent(block.cid().multihash(), block.onHeap());
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        ensureOpen();
        for (Block b : blocks) {
            limit.check(b.size());
        }
        for (Block b : blocks) {
            this.blocks.putIfAbsent(b.cid().multihash(), b.onHeap());
        }
    }

    @Override
    public boolean delete(Cid cid) {
        ensureOpen();
        return blocks.remove(cid.multihash()) != null;
    }

    @Override
    public Stream<Cid> allKeys() {
        ensureOpen();
        // The key set's stream walks the live map (weakly consistent), so nothing is copied.
        return blocks.keySet().stream().map(mh -> Cid.v1(Multicodec.RAW, mh));
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        return reader.apply(get(cid).data());
    }

    @Override
    public Unlock gcLock() {
        return gcLock.gcLock();
    }

    @Override
    public Unlock pinLock() {
        return gcLock.pinLock();
    }

    @Override
    public boolean gcRequested() {
        return gcLock.gcRequested();
    }

    /** Drops the entry if its bytes do not hash to its key (heap blocks are put by reference, so only a caller that broke the immutability contract can cause this). */
    @Override
    public boolean quarantineIfCorrupt(Cid cid) {
        ensureOpen();
        boolean[] dropped = new boolean[1];
        blocks.computeIfPresent(cid.multihash(), (k, b) -> {
            try {
                if (Hashes.matches(cid, b.bytes())) {
                    return b;
                }
            } catch (BlockstoreException unverifiable) {
                return b;
            }
            dropped[0] = true;
            return null;
        });
        if (dropped[0]) {
            quarantined.increment();
        }
        return dropped[0];
    }

    @Override
    public long quarantinedBlocks() {
        return quarantined.sum();
    }

    /** Number of stored blocks. */
    public int count() {
        return blocks.size();
    }

    /** Closing drops every block, so a closed store does not keep its heap alive. */
    @Override
    public void close() {
        closed = true;
        blocks.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("memory blockstore");
        }
    }

    @Override
    public String toString() {
        return "MemoryBlockstore[" + blocks.size() + " blocks, limit " + limit.maxBytes() + " bytes]";
    }
}
