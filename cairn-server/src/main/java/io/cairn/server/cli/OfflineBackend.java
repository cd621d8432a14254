package io.cairn.server.cli;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.cid.Cid;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.offheap.NativeBuffers;
import io.cairn.memory.offheap.SegmentChain;
import io.cairn.server.ServerConfig;
import io.cairn.server.ops.CarImport;
import io.cairn.server.ops.DagExport;
import io.cairn.server.ops.RepoStat;
import io.cairn.pin.GcException;
import io.cairn.pin.PinException;
import io.cairn.pin.PinType;
import io.cairn.pin.Pinner;
import io.cairn.server.store.StoreStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the data directory itself, through the same store stack the server uses. The flatfs store
 * allows one process at a time, so this fails with a clear message while a server has it open.
 * As in the server, the upload buffers' mapped but unallocated pages are reported to the governor
 * (the consumer {@code upload-buffers-spare}); the allocations themselves are reserved as they are
 * made, so reservations plus that figure are what offline puts and imports cost the process.
 */
final class OfflineBackend implements Backend {
    private final ServerConfig config;
    private final StoreStack stack;
    private final Blockstore store;
    private final MemoryGovernor.Registration uploadBuffers;

    OfflineBackend(ServerConfig config) {
        this.config = config;
        this.stack = StoreStack.open(config, new SimpleMeterRegistry());
        this.store = stack.blockstore();
        this.uploadBuffers = NativeBuffers.uploads().registerWith(stack.governor(), "upload-buffers-spare");
    }

    /** The governor the offline commands answer to; for tests. */
    MemoryGovernor governor() {
        return stack.governor();
    }

    @Override
    public Stored put(Path file, PutOptions o) throws IOException {
        var encoding = o.encoding();
        long size = Files.size(file);
        long limit = o.allowBigBlock() ? config.maxBlockSize() : Math.min(ServerConfig.SOFT_BLOCK_LIMIT, config.maxBlockSize());
        if (size > limit) {
            throw new CliException(file + " is " + size + " bytes, over the " + limit + "-byte block limit"
                    + (o.allowBigBlock() ? " (max-block-size)" : " (pass --allow-big-block for up to max-block-size)"));
        }
        // Reserve what the file's bytes will hold before reading them, as the server does for an
        // upload: read straight into native memory, hashed there, written from there.
        NativeBuffers memory = NativeBuffers.uploads();
        MemoryGovernor.Reservation r = stack.governor().tryReserve(memory.footprint((int) Math.max(1, size)));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             SegmentChain data = memory.read(ch, (int) size)) {
            Cid cid = encoding.cidFor(data);
            try (Block block = Block.over(cid, data)) {
                MemoryAwareBlockstore.writeReserved(r.bytes(), () -> store.put(block));
            }
            return new Stored(cid.toString(), (int) size);
        } finally {
            r.release(0); // native memory, freed: nothing landed on the heap
        }
    }

    @Override
    public void get(String cid, OutputStream out) throws IOException {
        out.write(store.get(Cid.parse(cid)).bytes());
        out.flush();
    }

    @Override
    public Stored stat(String cid) {
        Cid c = Cid.parse(cid);
        return new Stored(c.toString(), store.getSize(c));
    }

    @Override
    public List<Removed> rm(List<String> cids, boolean force) {
        List<Cid> parsed = cids.stream().map(Cid::parse).toList();
        List<Removed> out = new ArrayList<>();
        for (Cid c : parsed) {
            var pin = stack.pinner().find(c, null);
            if (pin.isPresent()) {
                Pinner.Pin p = pin.get();
                out.add(new Removed(c.toString(), p.via() == null ? "pinned: " + p.type().kuboName() : "pinned via " + p.via()));
            } else if (store.delete(c)) {
                out.add(new Removed(c.toString(), null));
            } else if (!force) {
                out.add(new Removed(c.toString(), "ipld: could not find " + c));
            }
        }
        return out;
    }

    @Override
    public Imported importCar(Path car, ImportProgress progress, boolean pinRoots) throws IOException {
        long[] read = {0};
        long[] blocks = {0};
        try (GcLocker.Unlock held = ((GcLocker) store).pinLock();
             InputStream in = new FilterInputStream(Files.newInputStream(car)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read[0] += n;
                }
                return n;
            }
        }) {
            CarImport.Listener reserving = CarImport.reserving(stack.governor());
            CarImport.Result r = CarImport.run(store, in, config.maxBlockSize() + 1024, new CarImport.Listener() {
                @Override
                public MemoryGovernor.Reservation beforeSection(long sectionLength) {
                    return reserving.beforeSection(sectionLength);
                }

                @Override
                public void stored(Cid cid, int size) {
                    blocks[0]++;
                    if (progress != null) {
                        progress.advance(read[0], blocks[0]);
                    }
                }
            });
            if (pinRoots) {
                for (Cid root : r.roots()) {
                    try {
                        stack.pinner().pinLocked(root, true);
                    } catch (BlockNotFoundException e) {
                        throw new CliException("imported, but pinning root " + root + " failed: block was not found locally: "
                                + e.cid());
                    }
                }
            }
            return new Imported(r.roots().stream().map(Cid::toString).toList(), r.blocks(), r.bytes());
        }
    }

    @Override
    public void export(String cid, OutputStream out) throws IOException {
        Block root;
        try {
            root = DagExport.root(store, Cid.parse(cid));
        } catch (BlockNotFoundException e) {
            throw new CliException("block " + cid + " is not in " + config.dataDir());
        }
        DagExport.write(store, root, out);
    }

    @Override
    public List<Added> add(List<Path> paths, AddOptions options, java.util.function.LongConsumer progress) throws Exception {
        java.util.Map<String, String> q = options.query();
        io.cairn.unixfs.ImportParams p;
        try {
            p = io.cairn.unixfs.ImportParams.kubo(q.get("profile"), q.get("cid-version"), q.get("raw-leaves"), q.get("chunker"));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        boolean onlyHash = "true".equals(q.get("only-hash"));
        java.util.function.Consumer<Block> sink = onlyHash ? b -> { } : store::put;
        List<UnixFsFiles.Entry> entries = UnixFsFiles.of(paths);
        java.util.Map<String, List<io.cairn.unixfs.UnixFsImporter.Entry>> dirs = new java.util.LinkedHashMap<>();
        dirs.put("", new java.util.ArrayList<>());
        List<Added> out = new java.util.ArrayList<>();
        long[] done = {0};
        for (UnixFsFiles.Entry e : entries) {
            if (e.directory()) {
                dirs.put(e.path(), new java.util.ArrayList<>());
                continue;
            }
            long before = done[0];
            io.cairn.unixfs.UnixFsImporter.Node node;
            try (java.io.InputStream in = Files.newInputStream(e.source())) {
                node = io.cairn.unixfs.UnixFsImporter.file(new java.io.BufferedInputStream(in, 1 << 20), p, sink, n -> {
                    done[0] = before + n;
                    progress.accept(done[0]);
                });
            }
            dirs.get(parent(e.path())).add(new io.cairn.unixfs.UnixFsImporter.Entry(leaf(e.path()), node));
            out.add(new Added(e.path(), node.cid().toString(), node.tsize()));
        }
        List<String> dirPaths = new java.util.ArrayList<>(dirs.keySet());
        dirPaths.remove("");
        dirPaths.sort(java.util.Comparator.comparingInt((String d) -> d.split("/").length).reversed());
        for (String d : dirPaths) {
            List<io.cairn.unixfs.UnixFsImporter.Entry> children = dirs.get(d);
            io.cairn.unixfs.UnixFsImporter.Node node = io.cairn.unixfs.UnixFsImporter.directoryOrHamt(children, p, sink);
            dirs.get(parent(d)).add(new io.cairn.unixfs.UnixFsImporter.Entry(leaf(d), node));
            out.add(new Added(d, node.cid().toString(), node.tsize()));
        }
        List<Cid> roots = new java.util.ArrayList<>();
        if ("true".equals(q.get("wrap-with-directory"))) {
            io.cairn.unixfs.UnixFsImporter.Node root = io.cairn.unixfs.UnixFsImporter.directoryOrHamt(dirs.get(""), p, sink);
            out.add(new Added("", root.cid().toString(), root.tsize()));
            roots.add(root.cid());
        } else {
            dirs.get("").forEach(e -> roots.add(e.node().cid()));
        }
        // As Kubo: what is added is pinned recursively (offline nothing else runs on the store meanwhile).
        if (!onlyHash && !"false".equals(q.get("pin"))) {
            for (Cid root : roots) {
                stack.pinner().pin(root, true);
            }
        }
        return out;
    }

    @Override
    public List<String> pinAdd(List<String> cids, boolean recursive) {
        List<Cid> parsed = cids.stream().map(Cid::parse).toList();
        List<String> out = new ArrayList<>();
        for (Cid c : parsed) {
            try {
                out.add(stack.pinner().pin(c, recursive).toString());
            } catch (BlockNotFoundException e) {
                throw new CliException("cannot pin " + c + ": block " + e.cid() + " is not in " + config.dataDir());
            } catch (PinException e) {
                throw new CliException("cannot pin " + c + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public void cat(String path, long offset, long length, OutputStream out) throws Exception {
        io.cairn.server.gateway.ResolvedPath rp = new io.cairn.server.gateway.BlockstoreBackend(store)
                .resolve(io.cairn.server.gateway.ContentPath.parse("/ipfs/" + path));
        Block file = store.get(rp.terminal());
        if (io.cairn.unixfs.UnixFs.kind(file) != io.cairn.unixfs.UnixFs.Kind.FILE) {
            throw new CliException(path + " is not a file");
        }
        long size = io.cairn.unixfs.UnixFs.fileSize(file);
        long to = length < 0 ? size - 1 : Math.min(size - 1, offset + length - 1);
        io.cairn.unixfs.UnixFs.readRange(store::get, file, offset, to, new io.cairn.unixfs.FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) throws java.io.IOException {
                out.write(data, off, len);
            }
        });
    }

    @Override
    public List<String> pinRm(List<String> cids, boolean recursive) {
        List<Cid> parsed = cids.stream().map(Cid::parse).toList();
        List<String> out = new ArrayList<>();
        for (Cid c : parsed) {
            try {
                out.add(stack.pinner().unpin(c, recursive).toString());
            } catch (PinException e) {
                throw new CliException("cannot unpin " + c + ": " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public List<Pin> pinLs(String type, List<String> cids) {
        PinType t = type == null || type.equals("all") ? null : switch (type) {
            case "recursive" -> PinType.RECURSIVE;
            case "direct" -> PinType.DIRECT;
            case "indirect" -> PinType.INDIRECT;
            default -> throw new CliException("invalid type '" + type + "', must be one of {direct, indirect, recursive, all}");
        };
        List<Pin> out = new ArrayList<>();
        if (cids.isEmpty()) {
            stack.pinner().list(t).forEach(p -> out.add(new Pin(p.cid().toString(), p.type().kuboName())));
            return out;
        }
        for (Cid c : cids.stream().map(Cid::parse).toList()) {
            Pinner.Pin p = stack.pinner().find(c, t)
                    .orElseThrow(() -> new CliException("path '" + c + "' is not pinned"));
            out.add(new Pin(c.toString(), p.kuboType()));
        }
        return out;
    }

    @Override
    public List<String> gc() {
        List<String> out = new ArrayList<>();
        try {
            stack.garbageCollector().collect(cid -> out.add(cid.toString()));
        } catch (GcException | io.cairn.pin.CollectionBusyException | io.cairn.pin.LeaseUnavailableException e) {
            throw new CliException(e.getMessage());
        }
        return out;
    }

    @Override
    public RepoStats repoStat() {
        RepoStat s = RepoStat.of(store);
        return new RepoStats(s.numObjects(), s.repoSize(), RepoStat.NO_LIMIT);
    }

    @Override
    public void close() {
        uploadBuffers.close();
        stack.close();
    }
}
