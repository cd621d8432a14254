package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.MalformedBlockException;

import java.io.IOException;
import java.util.List;

/** The depth-first walk behind {@link UnixFs#readRange}: only children whose content overlaps the range are fetched. */
final class FileWalk {
    private FileWalk() {
    }

    /** Visits the content of {@code node} (already handed to the visitor), which starts at file offset {@code at}. */
    static void walk(BlockSource source, Block node, long at, long from, long to, FileVisitor v) throws IOException {
        if (node.cid().codec() != Multicodec.DAG_PB) {
            emit(node.bytes(), at, from, to, v);
            return;
        }
        PbNode pb = PbNode.decode(node.bytes());
        UnixFsData d = UnixFsData.of(pb);
        if (d.type() != UnixFsData.Type.FILE && d.type() != UnixFsData.Type.RAW) {
            throw new MalformedBlockException(node.cid() + " is a UnixFS " + d.type() + " inside a file");
        }
        emit(d.data(), at, from, to, v);
        long offset = at + d.data().length;
        List<PbLink> links = pb.links();
        if (!links.isEmpty() && d.blocksizes().size() != links.size()) {
            throw new MalformedBlockException(node.cid() + " has " + links.size() + " links but "
                    + d.blocksizes().size() + " blocksizes");
        }
        for (int i = 0; i < links.size() && offset <= to; i++) {
            long size = d.blocksizes().get(i);
            long end = offset + size - 1;
            if (size > 0 && end >= from) {
                Block child = source.fetch(links.get(i).hash());
                v.block(child);
                walk(source, child, offset, from, to, v);
            }
            offset += size;
        }
    }

    private static void emit(byte[] data, long at, long from, long to, FileVisitor v) throws IOException {
        if (data.length == 0) {
            return;
        }
        long start = Math.max(from, at);
        long end = Math.min(to, at + data.length - 1);
        if (start <= end) {
            v.bytes(data, (int) (start - at), (int) (end - start + 1));
        }
    }
}
