package io.cairn.blockstore;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.function.Function;

import io.cairn.cid.Cid;

/**
 * Re-hashes blocks read from the wrapped store and refuses any whose bytes do not match their CID,
 * so corrupt bytes (a flipped bit on disk, a truncated file, a file swapped by hand) are never
 * returned: {@link #get} and {@link #view} raise {@link HashMismatchException} naming both digests
 * instead. Blocks put through this layer are checked too, so nothing unverifiable gets in.
 *
 * <p>Blocks already known to match (made by {@link Block#raw} or {@link Block#verified}, as an
 * in-memory store hands back) are not hashed again. A CID whose hash function Cairn cannot compute
 * cannot be verified and is refused with a {@link BlockstoreException}. The corrupt file itself is left
 * in place for the operator to inspect; deleting it is a decision for a repair tool.
 *
 * <p>{@link #view} reads the whole block through {@link #get} so it can be hashed before the reader
 * sees it; for the flatfs store that is no extra copy, since its views read into the heap anyway.
 */
public final class ValidatingBlockstore extends ForwardingBlockstore {

    public ValidatingBlockstore(Blockstore delegate) {
        super(delegate);
    }

    @Override
    public Block get(Cid cid) {
        Block b = super.get(cid);
        if (b.isVerified()) {
            return b;
        }
        Hashes.verify(cid, b.bytes());
        return Block.trusted(cid, b.bytes());
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        return reader.apply(get(cid).data());
    }

    @Override
    public void put(Block block) {
        check(block);
        super.put(block);
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        blocks.forEach(ValidatingBlockstore::check);
        super.putMany(blocks);
    }

    private static void check(Block block) {
        Hashes.verify(block);
    }
}
