package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a UnixFS HAMT-sharded directory (fanout 256, murmur3-x64-64) from its entries, as Kubo
 * and ipfs-unixfs-importer lay it out: an entry goes to the slot its name's hash selects, 8 bits per
 * level; two entries in one slot push both into a sub-shard one level down. Each shard links its
 * occupied slots in index order, named by the upper-case hex index (plus the entry's name for an
 * entry), and carries the occupied slots as a bitfield in its UnixFS Data (big-endian, no leading
 * zero bytes).
 */
final class HamtBuilder {
    static final int FANOUT = 256;

    private HamtBuilder() {
    }

    /** A shard: each slot null, an entry, or a sub-shard. */
    private static final class Shard {
        final Object[] slots = new Object[FANOUT];
        final int depth;

        Shard(int depth) {
            this.depth = depth;
        }

        void put(UnixFsImporter.Entry e, byte[] hash) {
            if (depth >= hash.length) {
                throw new IllegalArgumentException("HAMT: names collide on all 64 hash bits: " + e.name());
            }
            int i = hash[depth] & 0xFF;
            Object at = slots[i];
            if (at == null) {
                slots[i] = e;
            } else if (at instanceof Shard s) {
                s.put(e, hash);
            } else {
                UnixFsImporter.Entry other = (UnixFsImporter.Entry) at;
                if (other.name().equals(e.name())) {
                    throw new IllegalArgumentException("directory has two entries named '" + e.name() + "'");
                }
                Shard s = new Shard(depth + 1);
                s.put(other, Murmur3.hamtHash(other.name()));
                s.put(e, hash);
                slots[i] = s;
            }
        }
    }

    static UnixFsImporter.Node build(List<UnixFsImporter.Entry> entries, ImportParams p, Consumer<Block> sink) {
        Shard root = new Shard(0);
        for (UnixFsImporter.Entry e : entries) {
            root.put(e, Murmur3.hamtHash(e.name()));
        }
        return flush(root, p, sink);
    }

    private static UnixFsImporter.Node flush(Shard shard, ImportParams p, Consumer<Block> sink) {
        ProtoWriter pb = new ProtoWriter(64 * 32);
        BigInteger bits = BigInteger.ZERO;
        long childrenSize = 0;
        for (int i = 0; i < FANOUT; i++) {
            Object at = shard.slots[i];
            if (at == null) {
                continue;
            }
            bits = bits.setBit(i);
            String label = UnixFs.prefix(i, 2);
            Cid cid;
            long tsize;
            if (at instanceof Shard s) {
                UnixFsImporter.Node sub = flush(s, p, sink);
                cid = sub.cid();
                tsize = sub.tsize();
            } else {
                UnixFsImporter.Entry e = (UnixFsImporter.Entry) at;
                label += e.name();
                cid = e.node().cid();
                tsize = e.node().tsize();
            }
            pb.bytesField(2, new ProtoWriter(cid.encodedLength() + label.length() + 16)
                    .bytesField(1, cid.toBytes())
                    .bytesField(2, label.getBytes(StandardCharsets.UTF_8))
                    .varintField(3, tsize)
                    .toByteArray());
            childrenSize += tsize;
        }
        byte[] bitfield = bits.toByteArray();
        if (bitfield.length > 1 && bitfield[0] == 0) {
            bitfield = java.util.Arrays.copyOfRange(bitfield, 1, bitfield.length);
        }
        byte[] unixfs = new ProtoWriter(48)
                .varintField(1, UnixFsData.Type.HAMT_SHARD.ordinal())
                .bytesField(2, bitfield)
                .varintField(5, UnixFsData.MURMUR3_X64_64)
                .varintField(6, FANOUT)
                .toByteArray();
        byte[] node = pb.bytesField(1, unixfs).toByteArray();
        Multihash mh = Multihash.digest(HashFunction.SHA2_256, node);
        Cid cid = p.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh);
        sink.accept(Block.of(cid, node));
        return new UnixFsImporter.Node(cid, 0, node.length + childrenSize);
    }
}
