package io.cairn.unixfs;

import io.cairn.blockstore.Block;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.MalformedBlockException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes a UnixFS file, directory or symlink as a tar archive (IPIP-0288), streaming: depth-first in
 * link order (a HAMT in shard order), one file's content at a time straight from its blocks, so the
 * memory used is one block per DAG level whatever the tree's size. The output is deterministic:
 * modes and times come from the UnixFS nodes (UnixFS 1.5 {@code mode}/{@code mtime}) or are fixed
 * ({@code 0644} files, {@code 0755} directories, {@code 0777} symlinks, time 0).
 *
 * <p>Entry names are joined under the top entry and cleaned ({@code a/../b} becomes {@code b}); a
 * name that would leave the top entry, or that is empty or holds a NUL, fails the walk with
 * {@link UnsafeEntryException}, so an archive is never written that unpacks outside its directory.
 */
public final class UnixFsTar {
    static final int FILE_MODE = 0644;
    static final int DIR_MODE = 0755;
    static final int LINK_MODE = 0777;

    private UnixFsTar() {
    }

    /** An entry name that would unpack outside the archive's top entry (or cannot be named in tar). */
    public static final class UnsafeEntryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsafeEntryException(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@link #write} can archive this block: a UnixFS file, directory (HAMT too) or symlink. */
    public static boolean archivable(Block block) {
        return UnixFs.kind(block) != UnixFs.Kind.OTHER;
    }

    /**
     * Writes {@code root} as an archive whose top entry is {@code name}, and the end-of-archive marker.
     * Does not close {@code out}.
     *
     * @throws MalformedBlockException a block that is not UnixFS, or a file whose blocks disagree with its size
     * @throws UnsafeEntryException a directory entry named to escape the top entry
     * @throws io.cairn.blockstore.BlockNotFoundException a block the tree needs is missing
     */
    public static void write(BlockSource source, Block root, String name, OutputStream out) throws IOException {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..") || name.indexOf(0) >= 0) {
            throw new UnsafeEntryException("the top entry name '" + name + "' is not a single path segment");
        }
        try {
            entry(source, root, name, out);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        TarHeader.end(out);
    }

    private static void entry(BlockSource source, Block block, String path, OutputStream out) throws IOException {
        UnixFs.Kind kind = UnixFs.kind(block);
        UnixFsData d = block.cid().codec() == Multicodec.DAG_PB ? UnixFsData.of(PbNode.decode(block.bytes())) : null;
        switch (kind) {
            case FILE -> file(source, block, d, path, out);
            case DIRECTORY, HAMT_DIRECTORY -> {
                TarHeader.write(out, TarHeader.DIRECTORY, path, 0, mode(d, DIR_MODE), mtime(d), null);
                UnixFs.list(source, block, shard -> { }, e -> {
                    String child = child(path, e.name());
                    try {
                        entry(source, source.fetch(e.cid()), child, out);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
            case SYMLINK -> TarHeader.write(out, TarHeader.SYMLINK, path, 0, mode(d, LINK_MODE), mtime(d),
                    new String(d.data(), StandardCharsets.UTF_8));
            case OTHER -> throw new MalformedBlockException(block.cid() + " is not a UnixFS file, directory or symlink");
        }
    }

    private static void file(BlockSource source, Block block, UnixFsData d, String path, OutputStream out) throws IOException {
        long size = UnixFs.fileSize(block);
        TarHeader.write(out, TarHeader.FILE, path, size, mode(d, FILE_MODE), mtime(d), null);
        long[] written = {0};
        UnixFs.read(source, block, new FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) throws IOException {
                if (written[0] + len > size) {
                    throw new MalformedBlockException(block.cid() + " holds more than the " + size + " bytes its root declares");
                }
                out.write(data, off, len);
                written[0] += len;
            }
        });
        if (written[0] != size) {
            throw new MalformedBlockException(block.cid() + " holds " + written[0] + " bytes, but its root declares " + size);
        }
        TarHeader.pad(out, size);
    }

    /** {@code parent/name}, cleaned of '.', '..' and empty segments; it must stay strictly below {@code parent}'s top. */
    static String child(String parent, String name) {
        if (name.isEmpty() || name.indexOf(0) >= 0) {
            throw new UnsafeEntryException("directory entry '" + name + "' under " + parent + " cannot be named in a tar archive");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String s : (parent + "/" + name).split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (segments.isEmpty()) {
                    throw unsafe(parent, name);
                }
                segments.removeLast();
            } else {
                segments.addLast(s);
            }
        }
        String top = parent.contains("/") ? parent.substring(0, parent.indexOf('/')) : parent;
        if (segments.size() < 2 || !segments.getFirst().equals(top)) {
            throw unsafe(parent, name);
        }
        return String.join("/", segments);
    }

    private static UnsafeEntryException unsafe(String parent, String name) {
        return new UnsafeEntryException("directory entry '" + name + "' under " + parent
                + " points outside the archive's top directory; fetch it as a CAR (format=car) instead");
    }

    private static int mode(UnixFsData d, int fallback) {
        return d == null || d.mode() < 0 ? fallback : d.mode();
    }

    private static long mtime(UnixFsData d) {
        return d == null || d.mtime() == UnixFsData.NO_MTIME ? 0 : d.mtime();
    }
}
