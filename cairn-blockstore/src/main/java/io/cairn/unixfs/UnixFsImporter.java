package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.cid.Multihash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Builds UnixFS DAGs the way Kubo does, so the same bytes get the same CIDs: fixed-size chunks and
 * the balanced layout (every leaf at the same depth, nodes filled left to right), dag-pb nodes with
 * links before data and an empty link name, basic directories with links sorted by name.
 *
 * <p>A file streams through in constant memory: one chunk buffer and, per tree level, the links of
 * the node being filled (at most {@code maxLinks} each). Every block goes to {@code sink} as soon as
 * it is complete, children before parents.
 */
public final class UnixFsImporter {
    private UnixFsImporter() {
    }

    /**
     * @param cid   the root
     * @param size  the file's content bytes (for a directory: 0)
     * @param tsize the cumulative size of every block of the DAG, as parent links record it
     */
    public record Node(Cid cid, long size, long tsize) {
    }

    /** Imports a file; {@code progress} gets the content bytes consumed so far after each chunk. */
    public static Node file(InputStream in, ImportParams p, Consumer<Block> sink, LongConsumer progress) throws IOException {
        byte[] chunk = new byte[p.chunkSize()];
        List<List<Node>> levels = new ArrayList<>();
        levels.add(new ArrayList<>());
        long total = 0;
        boolean any = false;
        while (true) {
            int n = in.readNBytes(chunk, 0, chunk.length);
            if (n == 0 && any) {
                break;
            }
            any = true;
            total += n;
            Node leaf = leaf(chunk, n, p, sink);
            add(levels, 0, leaf, p, sink);
            progress.accept(total);
            if (n < chunk.length) {
                break;
            }
        }
        // Close the levels bottom-up; the single node left on the top level is the root.
        for (int i = 0; ; i++) {
            List<Node> level = levels.get(i);
            boolean top = i == levels.size() - 1;
            if (top && level.size() == 1) {
                return level.getFirst();
            }
            Node parent = parent(level, p, sink);
            level.clear();
            if (top) {
                levels.add(new ArrayList<>());
            }
            // the level above may be full too: it closes first, as when a chunk arrives
            add(levels, i + 1, parent, p, sink);
        }
    }

    /** Adds a node to a level, first closing the level into its parent if it is full. */
    private static void add(List<List<Node>> levels, int i, Node node, ImportParams p, Consumer<Block> sink) {
        List<Node> level = levels.get(i);
        if (level.size() == p.maxLinks()) {
            Node parent = parent(level, p, sink);
            level.clear();
            if (levels.size() == i + 1) {
                levels.add(new ArrayList<>());
            }
            add(levels, i + 1, parent, p, sink);
        }
        level.add(node);
    }

    private static Node leaf(byte[] chunk, int n, ImportParams p, Consumer<Block> sink) {
        if (p.rawLeaves()) {
            byte[] data = Arrays.copyOf(chunk, n);
            Block b = Block.of(Cid.v1(Multicodec.RAW, Multihash.digest(HashFunction.SHA2_256, data)), data);
            sink.accept(b);
            return new Node(b.cid(), n, n);
        }
        ProtoWriter unixfs = new ProtoWriter(n + 16).varintField(1, UnixFsData.Type.FILE.ordinal());
        if (n > 0) {
            unixfs.bytesField(2, chunk, 0, n);
        }
        unixfs.varintField(3, n);
        byte[] node = new ProtoWriter(n + 24).bytesField(1, unixfs.toByteArray()).toByteArray();
        Block b = dagPb(node, p, sink);
        return new Node(b.cid(), n, node.length);
    }

    private static Node parent(List<Node> children, ImportParams p, Consumer<Block> sink) {
        long size = 0;
        long tsize = 0;
        ProtoWriter unixfs = new ProtoWriter(16 + 5 * children.size()).varintField(1, UnixFsData.Type.FILE.ordinal());
        for (Node c : children) {
            size += c.size();
        }
        unixfs.varintField(3, size);
        for (Node c : children) {
            unixfs.varintField(4, c.size());
        }
        ProtoWriter pb = new ProtoWriter(64 * children.size() + 32);
        for (Node c : children) {
            pb.bytesField(2, link(c.cid(), "", c.tsize()));
            tsize += c.tsize();
        }
        byte[] node = pb.bytesField(1, unixfs.toByteArray()).toByteArray();
        Block b = dagPb(node, p, sink);
        return new Node(b.cid(), size, tsize + node.length);
    }

    /** One directory entry to link. */
    public record Entry(String name, Node node) {
    }

    /** A basic (unsharded) UnixFS directory of these entries, links sorted by name bytes as Kubo sorts them. */
    public static Node directory(List<Entry> entries, ImportParams p, Consumer<Block> sink) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(e -> e.name().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        ProtoWriter pb = new ProtoWriter(64 * sorted.size() + 8);
        long tsize = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            if (i > 0 && e.name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException("directory has two entries named '" + e.name() + "'");
            }
            pb.bytesField(2, link(e.node().cid(), e.name(), e.node().tsize()));
            tsize += e.node().tsize();
        }
        byte[] node = pb.bytesField(1, new ProtoWriter(4).varintField(1, UnixFsData.Type.DIRECTORY.ordinal()).toByteArray())
                .toByteArray();
        Block b = dagPb(node, p, sink);
        return new Node(b.cid(), 0, tsize + node.length);
    }

    /**
     * Kubo's estimate of a basic directory's size for the HAMT switch ({@code links-bytes}): the sum of
     * each link's name and CID bytes. Above 256 KiB Kubo shards the directory.
     */
    public static long linksBytes(List<Entry> entries) {
        long n = 0;
        for (Entry e : entries) {
            n += e.name().getBytes(StandardCharsets.UTF_8).length + e.node().cid().encodedLength();
        }
        return n;
    }

    /** Kubo's HAMT threshold (256 KiB of {@link #linksBytes}). */
    public static final long HAMT_THRESHOLD = 256 * 1024;

    private static byte[] link(Cid cid, String name, long tsize) {
        return new ProtoWriter(cid.encodedLength() + name.length() + 16)
                .bytesField(1, cid.toBytes())
                .bytesField(2, name.getBytes(StandardCharsets.UTF_8))
                .varintField(3, tsize)
                .toByteArray();
    }

    private static Block dagPb(byte[] node, ImportParams p, Consumer<Block> sink) {
        Multihash mh = Multihash.digest(HashFunction.SHA2_256, node);
        Cid cid = p.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh);
        Block b = Block.of(cid, node);
        sink.accept(b);
        return b;
    }
}
