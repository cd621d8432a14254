package io.cairn.server.store;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.function.Function;

/**
 * Counts what the server asks of its store ({@code cairn.blockstore.*}): reads by outcome, writes and
 * their sizes and latency, deletes. Reads through {@link #view} count as reads by {@link #get} do. The outermost layer, so it sees exactly what clients caused.
 */
public final class MeteredBlockstore extends ForwardingBlockstore {
    private final Counter getHits;
    private final Counter getMisses;
    private final Counter hasCalls;
    private final Counter deletes;
    private final DistributionSummary putBytes;
    private final Timer putTimer;
    private final Counter putFailures;

    public MeteredBlockstore(Blockstore delegate, MeterRegistry registry) {
        super(delegate);
        getHits = Counter.builder("cairn.blockstore.gets").tag("result", "hit").register(registry);
        getMisses = Counter.builder("cairn.blockstore.gets").tag("result", "miss").register(registry);
        hasCalls = Counter.builder("cairn.blockstore.has").register(registry);
        deletes = Counter.builder("cairn.blockstore.deletes").register(registry);
        putBytes = DistributionSummary.builder("cairn.blockstore.put.size").baseUnit("bytes").register(registry);
        putTimer = Timer.builder("cairn.blockstore.puts").description("blocks written, with latency").register(registry);
        putFailures = Counter.builder("cairn.blockstore.put.failures").register(registry);
    }

    @Override
    public boolean has(Cid cid) {
        hasCalls.increment();
        return super.has(cid);
    }

    @Override
    public Block get(Cid cid) {
        try {
            Block b = super.get(cid);
            getHits.increment();
            return b;
        } catch (BlockNotFoundException e) {
            getMisses.increment();
            throw e;
        }
    }

    /**
     * Counted as {@link #get} is: a hit once the block is found (when the reader is called, whatever
     * the reader then does), a miss when it is not. Without a {@link Viewer} below, the block is read
     * with {@link #get}, which counts it.
     */
    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        if (!(delegate() instanceof Viewer viewer)) {
            return reader.apply(get(cid).data());
        }
        boolean[] found = new boolean[1];
        try {
            return viewer.view(cid, buffer -> {
                found[0] = true;
                getHits.increment();
                return reader.apply(buffer);
            });
        } catch (BlockNotFoundException e) {
            if (!found[0]) {
                getMisses.increment();
            }
            throw e;
        }
    }

    /** A read served from a layer below without passing through here (a lease from the content cache): a hit. */
    public void countHit() {
        getHits.increment();
    }

    @Override
    public void put(Block block) {
        long start = System.nanoTime();
        try {
            super.put(block);
        } catch (RuntimeException e) {
            putFailures.increment();
            throw e;
        }
        putTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        putBytes.record(block.size());
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        long start = System.nanoTime();
        try {
            super.putMany(blocks);
        } catch (RuntimeException e) {
            putFailures.increment();
            throw e;
        }
        long each = blocks.isEmpty() ? 0 : (System.nanoTime() - start) / blocks.size();
        for (Block b : blocks) {
            putTimer.record(each, java.util.concurrent.TimeUnit.NANOSECONDS);
            putBytes.record(b.size());
        }
    }

    @Override
    public boolean delete(Cid cid) {
        boolean removed = super.delete(cid);
        if (removed) {
            deletes.increment();
        }
        return removed;
    }
}
