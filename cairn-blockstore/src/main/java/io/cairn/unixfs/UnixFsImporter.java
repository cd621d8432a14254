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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

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
        MessageDigest sha = sha256();
        List<List<Node>> levels = new ArrayList<>();
        levels.add(new ArrayList<>());
        long total = 0;
        boolean any = false;
        while (true) {
            Node leaf = p.rawLeaves() ? rawLeaf(in, p.chunkSize(), sha, sink, !any) : pbLeaf(in, p, sha, sink, !any);
            if (leaf == null) {
                break; // the stream ended exactly at a chunk boundary
            }
            any = true;
            total += leaf.size();
            add(levels, 0, leaf, p, sink);
            progress.accept(total);
            if (leaf.size() < p.chunkSize()) {
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

    /** The bytes of a dag-pb leaf before its data: PBNode.Data's key and length, UnixFS Type, Data's key and length. */
    static int leafHeader(int n) {
        int dataField = n > 0 ? 1 + varintSize(n) : 0;
        int unixfsLen = 2 + dataField + n + 1 + varintSize(n);
        return 1 + varintSize(unixfsLen) + 2 + dataField;
    }

    /** Bytes read (and hashed) at a time: small enough that the hash reads them from the cache the copy just filled. */
    static final int SLICE = 64 * 1024;

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Reads up to {@code max} bytes into {@code buf} at {@code at}, hashing each slice as it lands; returns the count. */
    private static int readHashing(InputStream in, byte[] buf, int at, int max, MessageDigest sha) throws IOException {
        int n = 0;
        while (n < max) {
            int r = in.readNBytes(buf, at + n, Math.min(SLICE, max - n));
            if (r <= 0) {
                break;
            }
            sha.update(buf, at + n, r);
            n += r;
        }
        return n;
    }

    /**
     * The next raw leaf, read straight into the array that becomes the block; null when the stream
     * has already ended (and this is not the first chunk: the caller asks the first one regardless).
     */
    private static Node rawLeaf(InputStream in, int chunkSize, MessageDigest sha, Consumer<Block> sink, boolean first)
            throws IOException {
        byte[] data = new byte[chunkSize];
        sha.reset();
        int n = readHashing(in, data, 0, chunkSize, sha);
        if (n == 0 && !first) {
            return null;
        }
        byte[] digest = sha.digest();
        if (n < chunkSize) {
            data = Arrays.copyOf(data, n);
        }
        Block b = Block.of(Cid.v1(Multicodec.RAW, Multihash.of(SHA2_256, digest)), data);
        sink.accept(b);
        return new Node(b.cid(), n, n);
    }

    /**
     * The next dag-pb leaf, {@code PBNode{Data: UnixFS{Type: File, Data: chunk, filesize: n}}}: the
     * framing of a full chunk is written (and hashed) first and the data read in after it, so a full
     * chunk's block is the array it was read into; a short last chunk is framed anew.
     */
    private static Node pbLeaf(InputStream in, ImportParams p, MessageDigest sha, Consumer<Block> sink, boolean first)
            throws IOException {
        int full = p.chunkSize();
        int pre = leafHeader(full);
        byte[] node = new byte[pre + full + 1 + varintSize(full)];
        frame(node, full);
        sha.reset();
        sha.update(node, 0, pre);
        int n = readHashing(in, node, pre, full, sha);
        if (n == 0 && !first) {
            return null;
        }
        if (n == full) {
            sha.update(node, pre + full, node.length - pre - full);
        } else {
            byte[] exact = new byte[leafHeader(n) + n + 1 + varintSize(n)];
            System.arraycopy(node, pre, exact, leafHeader(n), n);
            frame(exact, n);
            node = exact;
            sha.reset();
            sha.update(node);
        }
        Multihash mh = Multihash.of(SHA2_256, sha.digest());
        Block b = Block.of(p.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh), node);
        sink.accept(b);
        return new Node(b.cid(), n, node.length);
    }

    /** Writes a dag-pb leaf's framing for {@code n} data bytes around where the data goes. */
    private static void frame(byte[] node, int n) {
        int dataField = n > 0 ? 1 + varintSize(n) : 0;
        int at = 0;
        node[at++] = 0x0a;
        at = writeVarint(node, at, 2 + dataField + n + 1 + varintSize(n));
        node[at++] = 0x08;
        node[at++] = 0x02;
        if (n > 0) {
            node[at++] = 0x12;
            writeVarint(node, at, n);
        }
        int end = leafHeader(n) + n;
        node[end++] = 0x18;
        writeVarint(node, end, n);
    }

    private static final long SHA2_256 = 0x12;

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int writeVarint(byte[] b, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            b[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
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
     * A directory as Kubo builds it: basic while its size estimate is at most {@link #HAMT_THRESHOLD}
     * ({@link #linksBytes}, or with {@link ImportParams#blockBytesSharding()} the basic block's exact
     * size), HAMT-sharded (fanout 256) above it.
     */
    public static Node directoryOrHamt(List<Entry> entries, ImportParams p, Consumer<Block> sink) {
        if (!p.blockBytesSharding()) {
            return linksBytes(entries) > HAMT_THRESHOLD ? HamtBuilder.build(entries, p, sink) : directory(entries, p, sink);
        }
        Block[] basic = new Block[1];
        Node flat = directory(entries, p, b -> basic[0] = b);
        if (basic[0].size() > HAMT_THRESHOLD) {
            return HamtBuilder.build(entries, p, sink);
        }
        sink.accept(basic[0]);
        return flat;
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
