package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import io.cairn.cid.Cid;

/**
 * Answers identity CIDs from the CID itself, as boxo's {@code idstore}: an identity multihash
 * carries the block's bytes inline, so such a block always exists, costs nothing to read and is
 * never written to the wrapped store. In particular {@code bafkqaaa}, the empty identity CID that
 * trustless gateways are probed with, exists with zero bytes.
 *
 * <p>Putting an identity block is a no-op; deleting one returns {@code false} (nothing was stored)
 * and it still exists afterwards. {@link #allKeys()} lists only what the wrapped store holds.
 */
public final class IdentityBlockstore extends ForwardingBlockstore {

    public IdentityBlockstore(Blockstore delegate) {
        super(delegate);
    }

    @Override
    public boolean has(Cid cid) {
        return cid.isIdentity() || super.has(cid);
    }

    @Override
    public Block get(Cid cid) {
        return cid.isIdentity() ? Block.trusted(cid, cid.multihash().digest()) : super.get(cid);
    }

    @Override
    public int getSize(Cid cid) {
        return cid.isIdentity() ? cid.multihash().digestLength() : super.getSize(cid);
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        return cid.isIdentity() ? reader.apply(get(cid).data()) : super.view(cid, reader);
    }

    @Override
    public void put(Block block) {
        if (!block.cid().isIdentity()) {
            super.put(block);
        }
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        if (blocks.stream().anyMatch(b -> b.cid().isIdentity())) {
            List<Block> stored = blocks.stream().filter(b -> !b.cid().isIdentity()).toList();
            if (!stored.isEmpty()) {
                super.putMany(stored);
            }
        } else {
            super.putMany(blocks);
        }
    }

    @Override
    public boolean delete(Cid cid) {
        return !cid.isIdentity() && super.delete(cid);
    }
}
