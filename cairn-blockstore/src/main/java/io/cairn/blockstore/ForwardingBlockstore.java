package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

import io.cairn.cid.Cid;

/**
 * Base for a wrapper that adds one behaviour to another store and forwards the rest. It keeps the
 * wrapped store's capabilities: {@link #view} is zero-copy when the wrapped store is a
 * {@link Viewer} (otherwise it reads a block with {@link #get} and lends its bytes), and the GC lock
 * is the wrapped store's own when it is a {@link GcLocker} (otherwise the wrapper provides one), so
 * every layer of a stack shares one lock.
 *
 * <p>A subclass that changes what {@link #get} returns must override {@link #view} too, or views
 * would bypass it.
 */
public abstract class ForwardingBlockstore implements Blockstore, Viewer, GcLocker {
    private final Blockstore delegate;
    private final GcLocker locker;

    protected ForwardingBlockstore(Blockstore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.locker = delegate instanceof GcLocker g ? g : new ReadWriteGcLock();
    }

    /** The wrapped store. */
    public Blockstore delegate() {
        return delegate;
    }

    @Override
    public boolean has(Cid cid) {
        return delegate.has(cid);
    }

    @Override
    public Block get(Cid cid) {
        return delegate.get(cid);
    }

    @Override
    public int getSize(Cid cid) {
        return delegate.getSize(cid);
    }

    @Override
    public void put(Block block) {
        delegate.put(block);
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        delegate.putMany(blocks);
    }

    @Override
    public boolean delete(Cid cid) {
        return delegate.delete(cid);
    }

    @Override
    public Stream<Cid> allKeys() {
        return delegate.allKeys();
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        if (delegate instanceof Viewer v) {
            return v.view(cid, reader);
        }
        return reader.apply(get(cid).data());
    }

    @Override
    public Unlock gcLock() {
        return locker.gcLock();
    }

    @Override
    public Unlock pinLock() {
        return locker.pinLock();
    }

    @Override
    public boolean gcRequested() {
        return locker.gcRequested();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
