package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.MalformedBlockException;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads UnixFS (https://specs.ipfs.tech/unixfs/): what a block is, directory lookups and listings
 * (HAMT-sharded directories included) and file content by byte range. Everything streams: a walk
 * holds one block per level of the DAG, never the file.
 */
public final class UnixFs {
    private UnixFs() {
    }

    /** What a block is, as UnixFS sees it. */
    public enum Kind { FILE, DIRECTORY, HAMT_DIRECTORY, SYMLINK, OTHER }

    /** A raw block is a file; a dag-pb block is what its UnixFS type says; anything else is {@link Kind#OTHER}. */
    public static Kind kind(Block block) {
        long codec = block.cid().codec();
        if (codec == Multicodec.RAW) {
            return Kind.FILE;
        }
        if (codec != Multicodec.DAG_PB) {
            return Kind.OTHER;
        }
        PbNode node = PbNode.decode(block.bytes());
        if (node.data() == null) {
            return Kind.OTHER;
        }
        return switch (UnixFsData.decode(node.data()).type()) {
            case FILE, RAW -> Kind.FILE;
            case DIRECTORY -> Kind.DIRECTORY;
            case HAMT_SHARD -> Kind.HAMT_DIRECTORY;
            case SYMLINK -> Kind.SYMLINK;
            case METADATA -> Kind.OTHER;
        };
    }

    /** The content size of a file block (raw or UnixFS file), read from the root alone. */
    public static long fileSize(Block file) {
        if (file.cid().codec() != Multicodec.DAG_PB) {
            return file.size();
        }
        UnixFsData d = UnixFsData.of(PbNode.decode(file.bytes()));
        if (d.type() != UnixFsData.Type.FILE && d.type() != UnixFsData.Type.RAW) {
            throw new MalformedBlockException(file.cid() + " is a UnixFS " + d.type() + ", not a file");
        }
        return d.contentSize();
    }

    /**
     * Looks {@code name} up in a directory block. For a HAMT every further shard block the lookup
     * fetches is handed to {@code visited}, in order (the blocks that prove the entry); the directory
     * block itself is not.
     *
     * @return the entry, or empty if the directory has none of that name
     * @throws MalformedBlockException if {@code dir} is not a UnixFS directory
     */
    public static Optional<DirEntry> lookup(BlockSource source, Block dir, String name, Consumer<Block> visited) {
        PbNode node = PbNode.decode(dir.bytes());
        UnixFsData d = UnixFsData.of(node);
        switch (d.type()) {
            case DIRECTORY -> {
                for (PbLink l : node.links()) {
                    if (l.name().equals(name)) {
                        return Optional.of(new DirEntry(name, l.hash(), l.tsize()));
                    }
                }
                return Optional.empty();
            }
            case HAMT_SHARD -> {
                return Hamt.lookup(source, node, d, name, visited);
            }
            default -> throw new MalformedBlockException(dir.cid() + " is a UnixFS " + d.type() + ", not a directory");
        }
    }

    /**
     * Every entry of a directory block, in link order (for a HAMT: shard order, sub-shards fetched
     * as they come and handed to {@code visited}).
     */
    public static void list(BlockSource source, Block dir, Consumer<Block> visited, Consumer<DirEntry> sink) {
        PbNode node = PbNode.decode(dir.bytes());
        UnixFsData d = UnixFsData.of(node);
        switch (d.type()) {
            case DIRECTORY -> {
                for (PbLink l : node.links()) {
                    sink.accept(new DirEntry(l.name(), l.hash(), l.tsize()));
                }
            }
            case HAMT_SHARD -> Hamt.list(source, node, d, visited, sink);
            default -> throw new MalformedBlockException(dir.cid() + " is a UnixFS " + d.type() + ", not a directory");
        }
    }

    /**
     * Walks the blocks of a file that hold bytes {@code [from, to]} (inclusive, already clamped to
     * the file), depth-first in file order: {@code visitor.block} gets the root and then each block
     * whose content overlaps the range — the minimal set that proves those bytes — and
     * {@code visitor.bytes} the overlapping content. An empty range ({@code to < from}) visits the
     * root alone.
     */
    public static void readRange(BlockSource source, Block file, long from, long to, FileVisitor visitor) throws IOException {
        visitor.block(file);
        if (to < from) {
            return;
        }
        FileWalk.walk(source, file, 0, from, to, visitor);
    }

    /** Reads the whole file into {@code visitor}. */
    public static void read(BlockSource source, Block file, FileVisitor visitor) throws IOException {
        readRange(source, file, 0, fileSize(file) - 1, visitor);
    }

    /** The HAMT index prefix of a link name: the fanout's hex width, upper case. */
    static String prefix(int index, int width) {
        String hex = HexFormat.of().toHexDigits((byte) index).toUpperCase(Locale.ROOT);
        return hex.substring(hex.length() - width);
    }
}
