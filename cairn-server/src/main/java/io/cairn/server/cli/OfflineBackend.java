package io.cairn.server.cli;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.cid.Cid;
import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the data directory itself, through the same store stack the server uses. The flatfs store
 * allows one process at a time, so this fails with a clear message while a server has it open.
 */
final class OfflineBackend implements Backend {
    private final ServerConfig config;
    private final StoreStack stack;
    private final Blockstore store;

    OfflineBackend(ServerConfig config) {
        this.config = config;
        this.stack = StoreStack.open(config, new SimpleMeterRegistry());
        this.store = stack.blockstore();
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
        // Reserve what the file's bytes will hold before reading them, as the server does for an upload.
        try (MemoryGovernor.Reservation r = stack.governor().tryReserve(HeapFootprint.ofByteArray(size))) {
            byte[] data = Files.readAllBytes(file);
            Cid cid = encoding.cidFor(data);
            Block block = Block.of(cid, data);
            MemoryAwareBlockstore.writeReserved(r.bytes(), () -> store.put(block));
            return new Stored(cid.toString(), data.length);
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
        } catch (GcException e) {
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
        stack.close();
    }
}
