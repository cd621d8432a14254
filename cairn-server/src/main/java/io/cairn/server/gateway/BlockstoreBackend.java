package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockBytes;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.ipld.Links;
import io.cairn.unixfs.BlockSource;
import io.cairn.unixfs.DirEntry;
import io.cairn.unixfs.FileVisitor;
import io.cairn.unixfs.UnixFs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The gateway backend over a local {@link Blockstore}: no network, so a block not stored is not found. */
public final class BlockstoreBackend implements GatewayBackend {
    private final Blockstore store;
    private final BlockSource source;
    private final Function<Cid, BlockBytes> resident;

    public BlockstoreBackend(Blockstore store) {
        this(store, cid -> null);
    }

    /** @param resident lends a block the store's content cache holds, else null (see {@link GatewayBackend#openResident}) */
    public BlockstoreBackend(Blockstore store, Function<Cid, BlockBytes> resident) {
        this.store = store;
        this.source = store::get;
        this.resident = resident;
    }

    @Override
    public BlockBytes openResident(Cid cid) {
        return resident.apply(cid);
    }

    @Override
    public Block get(Cid cid) {
        return source.fetch(cid);
    }

    @Override
    public int size(Cid cid) {
        return cid.isIdentity() ? cid.multihash().digestLength() : store.getSize(cid);
    }

    @Override
    public boolean has(Cid cid) {
        return cid.isIdentity() || store.has(cid);
    }

    @Override
    public Optional<Viewer> viewer() {
        return store instanceof Viewer v ? Optional.of(v) : Optional.empty();
    }

    @Override
    public ResolvedPath resolve(ContentPath path) {
        if (path.isBare()) {
            return ResolvedPath.bare(path);
        }
        List<Block> proof = new ArrayList<>();
        List<Cid> roots = new ArrayList<>();
        List<String> segs = path.segments();
        Cid at = path.root();
        roots.add(at);
        int i = 0;
        while (i < segs.size()) {
            Block b = get(at);
            proof.add(b);
            long codec = at.codec();
            if (codec == Multicodec.DAG_PB) {
                UnixFs.Kind kind = UnixFs.kind(b);
                if (kind != UnixFs.Kind.DIRECTORY && kind != UnixFs.Kind.HAMT_DIRECTORY) {
                    throw GatewayException.notFound("no link named '" + segs.get(i) + "' under " + at
                            + ": it is a UnixFS " + kind.name().toLowerCase(java.util.Locale.ROOT) + ", not a directory");
                }
                String name = segs.get(i);
                Optional<DirEntry> e = UnixFs.lookup(source, b, name, proof::add);
                if (e.isEmpty()) {
                    throw GatewayException.notFound("no link named '" + name + "' under " + at);
                }
                at = e.get().cid();
                i++;
            } else if (codec == Multicodec.DAG_CBOR || codec == Multicodec.DAG_JSON) {
                Object node = codec == Multicodec.DAG_CBOR ? DagCbor.decode(b.bytes()) : DagJsonValues.decode(b.bytes());
                while (i < segs.size() && !(node instanceof Cid)) {
                    node = step(node, segs.get(i), at);
                    i++;
                }
                if (node instanceof Cid c) {
                    at = c;
                } else {
                    // The path ends inside this block: the block is the terminal.
                    proof.removeLast();
                    break;
                }
            } else {
                throw GatewayException.notFound("no link named '" + segs.get(i) + "' under " + at + ": a "
                        + Multicodec.name(codec).orElse("0x" + Long.toHexString(codec)) + " block has no links");
            }
            roots.add(at);
        }
        return new ResolvedPath(path, proof, at, roots);
    }

    private static Object step(Object node, String seg, Cid in) {
        if (node instanceof Map<?, ?> m) {
            if (!m.containsKey(seg)) {
                throw GatewayException.notFound("no field '" + seg + "' in " + in);
            }
            return m.get(seg);
        }
        if (node instanceof List<?> l) {
            int index;
            try {
                index = Integer.parseInt(seg);
            } catch (NumberFormatException e) {
                throw GatewayException.notFound("'" + seg + "' is not a list index in " + in);
            }
            if (index < 0 || index >= l.size()) {
                throw GatewayException.notFound("index " + seg + " is outside a list of " + l.size() + " in " + in);
            }
            return l.get(index);
        }
        throw GatewayException.notFound("cannot resolve '" + seg + "' in " + in + ": the value there has no fields");
    }

    @Override
    public long entitySize(Block terminal) {
        long codec = terminal.cid().codec();
        if (codec == Multicodec.RAW) {
            return terminal.size();
        }
        if (codec == Multicodec.DAG_PB && UnixFs.kind(terminal) == UnixFs.Kind.FILE) {
            return UnixFs.fileSize(terminal);
        }
        return -1;
    }

    @Override
    public void walk(Block terminal, DagScope scope, EntityBytes range, boolean dups, BlockSink sink) throws IOException {
        switch (scope) {
            case BLOCK -> sink.accept(terminal);
            case ENTITY -> entity(terminal, range, sink);
            case ALL -> all(terminal, dups, sink);
        }
    }

    private void entity(Block terminal, EntityBytes range, BlockSink sink) throws IOException {
        long codec = terminal.cid().codec();
        UnixFs.Kind kind = codec == Multicodec.RAW || codec == Multicodec.DAG_PB ? UnixFs.kind(terminal) : UnixFs.Kind.OTHER;
        switch (kind) {
            case FILE -> {
                long size = UnixFs.fileSize(terminal);
                long[] r = range == null ? new long[] {0, size - 1} : range.over(size);
                UnixFs.readRange(source, terminal, r[0], r[1], new FileVisitor() {
                    @Override
                    public void block(Block block) throws IOException {
                        sink.accept(block);
                    }
                });
            }
            case HAMT_DIRECTORY -> {
                sink.accept(terminal);
                // Listing a HAMT fetches its shards: they are what enumerating the directory needs.
                try {
                    UnixFs.list(source, terminal, shard -> {
                        try {
                            sink.accept(shard);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, e -> { });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            default -> sink.accept(terminal);
        }
    }

    /**
     * Depth-first in link order, as {@code ipfs dag export} orders it; a missing block ends the walk.
     * Without duplicates a block reached again is neither sent nor descended into again.
     */
    private void all(Block terminal, boolean dups, BlockSink sink) throws IOException {
        Set<Cid> seen = new HashSet<>();
        seen.add(terminal.cid());
        sink.accept(terminal);
        Deque<Iterator<Cid>> stack = new ArrayDeque<>();
        stack.push(Links.of(terminal.cid(), terminal.bytes()).iterator());
        while (!stack.isEmpty()) {
            Iterator<Cid> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            Cid next = it.next();
            if (!dups && !seen.add(next)) {
                continue;
            }
            Block b = get(next);
            sink.accept(b);
            if (Links.understands(b.cid().codec())) {
                stack.push(Links.of(b.cid(), b.bytes()).iterator());
            }
        }
    }
}
