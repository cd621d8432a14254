package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.ipld.MalformedBlockException;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * UnixFS HAMT-sharded directories: each level consumes log2(fanout) bits of the entry name's
 * murmur3-x64-64 hash, most significant bit first; a link named by the index alone is a sub-shard,
 * a link named index + entry name is the entry.
 */
final class Hamt {
    private Hamt() {
    }

    static Optional<DirEntry> lookup(BlockSource source, PbNode shard, UnixFsData d, String name, Consumer<Block> visited) {
        byte[] hash = Murmur3.hamtHash(name);
        int bitsUsed = 0;
        while (true) {
            int bits = bitsPerLevel(d);
            int width = hexWidth(d);
            if (bitsUsed + bits > hash.length * 8) {
                throw new MalformedBlockException("HAMT deeper than its 64-bit hash allows");
            }
            int index = bitsAt(hash, bitsUsed, bits);
            bitsUsed += bits;
            String prefix = UnixFs.prefix(index, width);
            PbLink next = null;
            for (PbLink l : shard.links()) {
                if (l.name().length() == width && l.name().equals(prefix)) {
                    next = l;
                    break;
                }
                if (l.name().length() > width && l.name().startsWith(prefix)) {
                    return l.name().substring(width).equals(name)
                            ? Optional.of(new DirEntry(name, l.hash(), l.tsize()))
                            : Optional.empty();
                }
            }
            if (next == null) {
                return Optional.empty();
            }
            Block child = source.fetch(next.hash());
            visited.accept(child);
            shard = PbNode.decode(child.bytes());
            d = UnixFsData.of(shard);
            if (d.type() != UnixFsData.Type.HAMT_SHARD) {
                throw new MalformedBlockException("HAMT sub-shard " + child.cid() + " is a " + d.type());
            }
        }
    }

    static void list(BlockSource source, PbNode shard, UnixFsData d, Consumer<Block> visited, Consumer<DirEntry> sink) {
        int width = hexWidth(d);
        for (PbLink l : shard.links()) {
            if (l.name().length() == width) {
                Block child = source.fetch(l.hash());
                visited.accept(child);
                PbNode sub = PbNode.decode(child.bytes());
                UnixFsData sd = UnixFsData.of(sub);
                if (sd.type() != UnixFsData.Type.HAMT_SHARD) {
                    throw new MalformedBlockException("HAMT sub-shard " + child.cid() + " is a " + sd.type());
                }
                list(source, sub, sd, visited, sink);
            } else if (l.name().length() > width) {
                sink.accept(new DirEntry(l.name().substring(width), l.hash(), l.tsize()));
            } else {
                throw new MalformedBlockException("HAMT link name '" + l.name() + "' is shorter than its index");
            }
        }
    }

    private static int bitsPerLevel(UnixFsData d) {
        if (d.hashType() != UnixFsData.MURMUR3_X64_64) {
            throw new MalformedBlockException("HAMT hash type 0x" + Long.toHexString(d.hashType())
                    + " is not murmur3-x64-64 (0x22)");
        }
        long fanout = d.fanout();
        if (fanout < 2 || fanout > 1024 || Long.bitCount(fanout) != 1) {
            throw new MalformedBlockException("HAMT fanout " + fanout + " is not a power of two in 2..1024");
        }
        return Long.numberOfTrailingZeros(fanout);
    }

    /** Hex digits of the largest index, fanout - 1. */
    private static int hexWidth(UnixFsData d) {
        return Long.toHexString(d.fanout() - 1).length();
    }

    private static int bitsAt(byte[] hash, int start, int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            int bit = start + i;
            v = (v << 1) | ((hash[bit >>> 3] >>> (7 - (bit & 7))) & 1);
        }
        return v;
    }
}
