package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.cid.Cid;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.offheap.SegmentChain;
import io.cairn.pin.GarbageCollector;
import io.cairn.pin.Pinner;
import io.cairn.server.ServerConfig;
import io.cairn.server.ops.BlockEncoding;
import io.cairn.server.ops.CarImport;
import io.cairn.server.ops.DagExport;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubo RPC subset Cairn speaks ({@code /api/v0/...}), per docs/PROTOCOLS.md §2: every command is a
 * POST, errors are Kubo's JSON, and an upload is acknowledged only after every block in it is stored.
 */
public final class RpcHandler extends Handler.Abstract {
    public static final String PREFIX = "/api/v0/";
    /**
     * Paths whose bodies are blocks held whole while they arrive ({@code block/put}, {@code dag/import}):
     * they share the upload slots, each sized for the largest block.
     */
    public static final java.util.Set<String> BLOCK_UPLOADS = java.util.Set.of(PREFIX + "block/put", PREFIX + "dag/import");
    /**
     * Paths whose bodies stream through without being held ({@code add}: a file of any size, chunked as
     * it arrives), so a body has no total deadline, only one per step.
     */
    public static final java.util.Set<String> STREAMING_UPLOADS = java.util.Set.of(PREFIX + "add");
    /** Room for multipart boundaries and part headers on top of the block bytes. */
    static final int MULTIPART_OVERHEAD = 64 * 1024;
    static final String BIG_BLOCK_MESSAGE = "produced block is over 2MiB: big blocks can't be exchanged with other "
            + "peers. consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override";

    private final Blockstore store;
    private final MemoryGovernor governor;
    private final ServerConfig config;
    private final String version;
    private final Pinner pinner;
    private final PinRpc pins;
    private final RepoRpc repo;
    private final KeyRpc keys;
    private final NameRpc names;

    public RpcHandler(Blockstore store, MemoryGovernor governor, ServerConfig config, String version,
                      Pinner pinner, GarbageCollector collector) {
        this(store, governor, config, version, pinner, collector, new io.cairn.server.ipns.Ipns(config.dataDir(),
                java.time.Clock.systemUTC()));
    }

    /** With the IPNS keys and records of {@code ipns} ({@code key/*}, {@code name/*}, {@code routing/*}). */
    public RpcHandler(Blockstore store, MemoryGovernor governor, ServerConfig config, String version,
                      Pinner pinner, GarbageCollector collector, io.cairn.server.ipns.Ipns ipns) {
        this.store = store;
        this.governor = governor;
        this.config = config;
        this.version = version;
        this.pinner = pinner;
        this.pins = new PinRpc(pinner);
        this.repo = new RepoRpc(store, collector, config::storageMaxBytes);
        this.keys = new KeyRpc(ipns.keys());
        this.names = new NameRpc(ipns, keys);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        String command = path.substring(PREFIX.length());
        boolean write = command.equals("block/put") || command.equals("dag/import") || command.equals("block/rm")
                || command.equals("add") || command.equals("dag/put") || command.equals("routing/put");
        try {
            if (!"POST".equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                throw new HttpProblem(405, 1, "RPC commands must be sent with POST, not " + request.getMethod());
            }
            Fields q = Http.query(request);
            switch (command) {
                case "block/put" -> blockPut(request, response, q);
                case "block/get" -> blockGet(response, q);
                case "block/stat" -> blockStat(response, q);
                case "block/rm" -> blockRm(response, q);
                case "version" -> version(response);
                case "dag/import" -> dagImport(request, response, q);
                case "dag/export" -> dagExport(response, q);
                case "cat" -> new CatCommand(store).run(response, q);
                case "ls" -> new LsCommand(store).run(response, q);
                case "refs" -> new RefsCommand(store).run(response, q);
                case "add" -> new AddCommand(store, governor, config, pinner).run(request, response, q);
                case "dag/get" -> new DagCommands(store, governor, config).get(response, q);
                case "dag/put" -> new DagCommands(store, governor, config).put(request, response, q);
                case "dag/stat" -> new DagCommands(store, governor, config).stat(response, q);
                case "pin/add" -> pins.add(response, q);
                case "pin/rm" -> pins.rm(response, q);
                case "pin/ls" -> pins.ls(response, q);
                case "repo/gc" -> repo.gc(response, q);
                case "repo/stat" -> repo.stat(response, q);
                case "repo/verify" -> RepoVerifyHandler.handle(store, response);
                case "key/gen" -> keys.gen(response, q);
                case "key/list" -> keys.list(response);
                case "key/rm" -> keys.rm(response, q);
                case "name/publish" -> names.publish(response, q);
                case "name/resolve" -> names.resolve(response, q);
                case "routing/put" -> names.put(request, response, q);
                case "routing/get" -> names.get(response, q);
                default -> throw new HttpProblem(404, 1, "unknown command \"" + command + "\"");
            }
            callback.succeeded();
        } catch (Throwable t) {
            if (write && !response.isCommitted()) {
                Http.drain(request, (long) config.maxBlockSize() + MULTIPART_OVERHEAD, config.readTimeout().toMillis());
            }
            fail(response, callback, t, write);
        }
        return true;
    }

    private void blockPut(Request request, Response response, Fields q) throws IOException {
        // Every option is checked before a byte of the body is read.
        BlockEncoding encoding = BlockEncoding.kubo(Http.param(q, "format"), Http.param(q, "cid-codec"),
                Http.param(q, "mhtype"), Http.intParam(q, "mhlen", -1));
        boolean allowBig = Http.flag(q, "allow-big-block", false);
        int partLimit = allowBig ? config.maxBlockSize() : Math.min(ServerConfig.SOFT_BLOCK_LIMIT, config.maxBlockSize());
        refuseWritesAtCritical();
        long bodyLimit = (long) config.maxBlockSize() + MULTIPART_OVERHEAD;
        long declared = request.getLength();
        if (declared > bodyLimit) {
            throw new HttpProblem(413, 1, "request body of " + declared + " bytes is over the " + bodyLimit
                    + "-byte limit (max-block-size plus multipart overhead)");
        }
        boolean pin = Http.flag(q, "pin", false);
        List<Map<String, Object>> lines = new ArrayList<>();
        // Reserves what it holds as it reads, one part at a time (see ReservedBuffer). With pin=true
        // the pin lock is held across each write and its pin, so no collection runs in between.
        // The multipart reader's window is held for the whole request: reserved like the rest.
        try (MemoryGovernor.Reservation window = governor.tryReserve(MultipartReader.WINDOW_FOOTPRINT);
             ReservedBuffer memory = new ReservedBuffer(governor, declared);
             GcLocker.Unlock held = pin ? ((GcLocker) store).pinLock() : null) {
            MultipartReader parts = multipart(request, bodyLimit);
            MultipartReader.Part part;
            while ((part = parts.next()) != null) {
                UploadLimits.checkParts("block/put", lines.size() + 1);
                SegmentChain data = memory.readPart(part.body(), partLimit);
                if (data == null) {
                    if (!allowBig && config.maxBlockSize() > ServerConfig.SOFT_BLOCK_LIMIT) {
                        throw HttpProblem.badRequest(BIG_BLOCK_MESSAGE);
                    }
                    throw new HttpProblem(413, 1, "block is over this server's " + partLimit + "-byte limit (max-block-size)");
                }
                // Hashed over the chunks in place, and stored as a view of them: the block's
                // lifetime is the part's (closing it releases the chunks and their reservations).
                Cid cid = encoding.cidFor(data);
                int size = data.size();
                try (Block block = Block.over(cid, data)) {
                    // The part's bytes were reserved before they were read: an admitted write.
                    MemoryAwareBlockstore.writeReserved(memory.reservedBytes(), () -> store.put(block));
                } finally {
                    memory.releasePart();
                }
                if (pin) {
                    pinner.pinLocked(cid, true);
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("Key", cid.toString());
                line.put("Size", size);
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw HttpProblem.badRequest("block/put needs at least one file part in the multipart body");
        }
        sendLines(response, lines);
    }

    private void blockGet(Response response, Fields q) throws IOException {
        Cid cid = Cid.parse(singleArg(q, "block/get"));
        // From the store's own buffer: a cached block goes out from native memory, pinned for the write.
        BlockViews.write(store, cid, block -> {
            response.getHeaders().put("X-Stream-Output", "1");
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, GatewayHandler.RAW);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, block.remaining());
            Http.write(response, true, block);
        });
    }

    private void blockStat(Response response, Fields q) throws IOException {
        Cid cid = Cid.parse(singleArg(q, "block/stat"));
        int size = store.getSize(cid);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("Key", cid.toString());
        line.put("Size", size);
        Http.sendJson(response, 200, line);
    }

    private void blockRm(Response response, Fields q) throws IOException {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty()) {
            throw HttpProblem.badRequest("argument \"cid\" is required");
        }
        boolean force = Http.flag(q, "force", false);
        boolean quiet = Http.flag(q, "quiet", false);
        List<Cid> cids = new ArrayList<>();
        for (String a : args) {
            cids.add(Cid.parse(a));
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Cid cid : cids) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("Hash", cid.toString());
            String pinned = PinRpc.pinnedReason(pinner, cid);
            if (pinned != null) {
                line.put("Error", pinned);
                lines.add(line);
                continue;
            }
            boolean removed;
            try {
                removed = store.delete(cid);
            } catch (RuntimeException e) {
                line.put("Error", e.getMessage());
                lines.add(line);
                continue;
            }
            if (!removed) {
                if (!force) {
                    line.put("Error", "ipld: could not find " + cid);
                    lines.add(line);
                }
            } else if (!quiet) {
                lines.add(line);
            }
        }
        response.getHeaders().put("X-Chunked-Output", "1");
        sendLines(response, lines);
    }

    private void version(Response response) throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Version", version);
        v.put("Commit", "");
        v.put("Repo", "cairn-flatfs");
        v.put("System", System.getProperty("os.arch") + "/" + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT));
        v.put("Golang", "java" + Runtime.version().feature());
        Http.sendJson(response, 200, v);
    }

    private void dagImport(Request request, Response response, Fields q) throws IOException {
        boolean pinRoots = Http.flag(q, "pin-roots", true);
        boolean stats = Http.flag(q, "stats", false);
        refuseWritesAtCritical();
        int section = config.maxBlockSize() + 1024;
        long blocks = 0;
        long bytes = 0;
        List<Cid> roots = new ArrayList<>();
        // A CAR may be far larger than one block, so the body is not capped as a whole; memory is
        // reserved per block instead, exactly the native memory its data is read into. With pin-roots
        // the pin lock is held from the first block to the last pin, so no collection runs between.
        List<Map<String, Object>> lines = new ArrayList<>();
        // Held for the whole request besides the sections: the multipart window and the CAR reader's buffer.
        try (MemoryGovernor.Reservation buffers = governor.tryReserve(MultipartReader.WINDOW_FOOTPRINT
                + CarImport.READER_FOOTPRINT);
             GcLocker.Unlock held = pinRoots ? ((GcLocker) store).pinLock() : null) {
            MultipartReader parts = multipart(request, Long.MAX_VALUE);
            MultipartReader.Part part;
            int files = 0;
            while ((part = parts.next()) != null) {
                files++;
                UploadLimits.checkParts("dag/import", files);
                CarImport.Result r = CarImport.run(store, part.body(), section, CarImport.reserving(governor));
                blocks += r.blocks();
                bytes += r.bytes();
                roots.addAll(r.roots());
            }
            if (files == 0) {
                throw HttpProblem.badRequest("dag/import needs at least one CAR file part in the multipart body");
            }
            if (pinRoots) {
                for (Cid root : roots) {
                    Map<String, Object> cidObj = Map.of("/", root.toString());
                    Map<String, Object> rootObj = new LinkedHashMap<>();
                    rootObj.put("Cid", cidObj);
                    rootObj.put("PinErrorMsg", pinRoot(root));
                    lines.add(Map.of("Root", rootObj));
                }
            }
        }
        if (stats) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("BlockCount", blocks);
            s.put("BlockBytesCount", bytes);
            lines.add(Map.of("Stats", s));
        }
        response.getHeaders().put("X-Chunked-Output", "1");
        sendLines(response, lines);
    }

    /** Pins an imported root recursively, as Kubo's dag/import does; "" or why it could not. */
    private String pinRoot(Cid root) {
        try {
            pinner.pinLocked(root, true);
            return "";
        } catch (BlockNotFoundException e) {
            return "pinning root " + root + " failed: block was not found locally: " + e.cid();
        } catch (RuntimeException e) {
            return "pinning root " + root + " failed: " + e.getMessage();
        }
    }

    private void dagExport(Response response, Fields q) throws IOException {
        Cid cid = Cid.parse(singleArg(q, "dag/export"));
        Block root = DagExport.root(store, cid);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, GatewayHandler.CAR);
        response.getHeaders().put("X-Stream-Output", "1");
        response.getHeaders().put(HttpHeader.TRAILER, "X-Stream-Error");
        HttpFields.Mutable trailers = HttpFields.build();
        response.setTrailersSupplier(() -> trailers);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            try {
                DagExport.write(store, root, out);
            } catch (RuntimeException e) {
                // Headers are gone; Kubo's convention reports a mid-stream failure in this trailer.
                trailers.put("X-Stream-Error", String.valueOf(ClientMessages.withoutPaths(e.getMessage())));
            }
        }
    }

    private MultipartReader multipart(Request request, long limit) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String boundary = MultipartReader.boundaryOf(contentType);
        if (boundary == null) {
            throw HttpProblem.badRequest("expected a multipart/form-data body with a boundary, got Content-Type: "
                    + contentType);
        }
        InputStream body = new BodyLimitInputStream(Content.Source.asInputStream(request), limit,
                config.readTimeout().toMillis(), "request body");
        try {
            return new MultipartReader(body, boundary);
        } catch (IllegalArgumentException e) {
            // The reader refuses a boundary it cannot use (too long); that is the client's header.
            throw HttpProblem.badRequest("unusable multipart boundary in Content-Type: " + e.getMessage());
        }
    }

    private void refuseWritesAtCritical() {
        if (governor.level() == PressureLevel.CRITICAL) {
            // The governor's own refusal: it names the binding limit and its figures, and reads no file.
            throw governor.refusal("write refused", 0);
        }
    }

    private static String singleArg(Fields q, String command) {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"cid\" is required for " + command);
        }
        return args.getFirst();
    }

    private static void sendLines(Response response, List<Map<String, Object>> lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map<String, Object> line : lines) {
            out.write(Http.JSON.writeValueAsBytes(line));
            out.write('\n');
        }
        Http.send(response, 200, "application/json", out.toByteArray(), false);
    }

    private static void fail(Response response, Callback callback, Throwable t, boolean write) {
        if (response.isCommitted()) {
            callback.failed(t);
            return;
        }
        HttpProblem p = t instanceof BlockNotFoundException e
                ? new HttpProblem(404, 0, "block was not found locally: " + e.cid())
                : Errors.toProblem(t, write);
        try {
            response.getHeaders().remove("X-Stream-Output");
            response.getHeaders().remove("X-Chunked-Output");
            response.getHeaders().remove(HttpHeader.TRAILER);
            Http.sendKuboError(response, p);
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }
}
