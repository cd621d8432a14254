package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.memory.HeapFootprint;
import io.cairn.memory.MemoryGovernor;
import io.cairn.server.ServerConfig;
import io.cairn.unixfs.ImportParams;
import io.cairn.unixfs.UnixFsImporter;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code /api/v0/add}: files and directories from a multipart body into UnixFS, with Kubo's
 * options ({@code cid-version}, {@code raw-leaves}, {@code chunker=size-N}, {@code wrap-with-directory},
 * {@code only-hash}, {@code progress}, {@code quiet}/{@code quieter}, {@code pin}) and Kubo's NDJSON
 * answers. Each file streams from the request to the store chunk by chunk: memory is one chunk
 * (reserved through the governor for the whole request) and a few links per tree level, whatever the
 * upload's size. A file's line is written only after all its blocks are stored.
 */
final class AddCommand {
    /** Progress lines at most this often (Kubo sends them per chunk; a 2 GiB file would be 8,192 lines). */
    static final long PROGRESS_EVERY = 4L * 1024 * 1024;

    private final Blockstore store;
    private final MemoryGovernor governor;
    private final ServerConfig config;
    private final io.cairn.pin.Pinner pinner;

    AddCommand(Blockstore store, MemoryGovernor governor, ServerConfig config, io.cairn.pin.Pinner pinner) {
        this.store = store;
        this.governor = governor;
        this.config = config;
        this.pinner = pinner;
    }

    /** The import parameters Kubo's options ask for, checked before the body is read. */
    static ImportParams params(Fields q) {
        ImportParams p;
        try {
            p = ImportParams.kubo(Http.param(q, "profile"), Http.param(q, "cid-version"), Http.param(q, "raw-leaves"),
                    Http.param(q, "chunker"));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        String hash = Http.param(q, "hash");
        if (hash != null && !hash.isBlank() && !hash.trim().equals("sha2-256")) {
            throw HttpProblem.badRequest("hash must be sha2-256, got '" + hash + "'");
        }
        if (Http.flag(q, "trickle", false)) {
            throw HttpProblem.badRequest("trickle layout is not supported; Cairn builds the balanced layout");
        }
        return p;
    }

    void run(Request request, Response response, Fields q) throws IOException {
        ImportParams p = params(q);
        boolean wrap = Http.flag(q, "wrap-with-directory", false);
        boolean onlyHash = Http.flag(q, "only-hash", false);
        boolean progress = Http.flag(q, "progress", false);
        boolean quiet = Http.flag(q, "quiet", false);
        boolean quieter = Http.flag(q, "quieter", false);
        // As Kubo: what is added is pinned recursively unless pin=false, so a garbage collection keeps it.
        boolean pin = Http.flag(q, "pin", true) && !onlyHash;
        String boundary = MultipartReader.boundaryOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (boundary == null) {
            throw HttpProblem.badRequest("expected a multipart/form-data body with a boundary, got Content-Type: "
                    + request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        }
        // No cap on the whole body's length or time (a file may be any size): each MiB must arrive
        // within read-timeout instead, which still ends a client trickling bytes.
        InputStream body = new PacedInputStream(Content.Source.asInputStream(request), 1 << 20, config.readTimeout().toMillis());
        MultipartReader parts = new MultipartReader(body, boundary);

        // With pinning, the pin lock is held from the first block written to the last pin, so no
        // collection runs in between (as block/put and dag/import do).
        try (MemoryGovernor.Reservation window = governor.tryReserve(MultipartReader.WINDOW_FOOTPRINT);
             MemoryGovernor.Reservation chunk = governor.tryReserve(HeapFootprint.ofByteArray(p.chunkSize()));
             io.cairn.blockstore.GcLocker.Unlock held = pin && store instanceof io.cairn.blockstore.GcLocker locker
                     ? locker.pinLock() : null) {
            Consumer<Block> sink = onlyHash ? b -> { } : b -> MemoryAwareBlockstore.writeReserved(chunk.bytes(), () -> store.put(b));
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put("X-Chunked-Output", "1");
            response.getHeaders().put(HttpHeader.TRAILER, "X-Stream-Error");
            HttpFields.Mutable trailers = HttpFields.build();
            response.setTrailersSupplier(() -> trailers);
            try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 16 * 1024)) {
                try {
                    List<io.cairn.cid.Cid> roots = addAll(parts, p, sink, wrap, progress, quiet || quieter, quieter, out);
                    if (pin && pinner != null) {
                        for (io.cairn.cid.Cid root : roots) {
                            pinner.pinLocked(root, true);
                        }
                    }
                } catch (RuntimeException | IOException e) {
                    // Lines already sent name what was stored; Kubo's trailer says why the rest was not.
                    trailers.put("X-Stream-Error", String.valueOf(e.getMessage()));
                }
            }
        }
    }

    /** Imports every part and returns the roots to pin: the wrapping directory, or each top-level entry. */
    private List<io.cairn.cid.Cid> addAll(MultipartReader parts, ImportParams p, Consumer<Block> sink, boolean wrap,
                                          boolean progress, boolean quiet, boolean quieter, OutputStream out) throws IOException {
        // Entries by parent directory path ("" is the top level), in arrival order.
        Map<String, List<UnixFsImporter.Entry>> dirs = new LinkedHashMap<>();
        dirs.put("", new ArrayList<>());
        List<String[]> results = new ArrayList<>();
        MultipartReader.Part part;
        int files = 0;
        while ((part = parts.next()) != null) {
            String path = path(part);
            String type = part.headers().getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            registerParents(dirs, path);
            if (type.startsWith("application/x-directory")) {
                dirs.computeIfAbsent(path, k -> new ArrayList<>());
                continue;
            }
            files++;
            String name = path;
            long[] last = {0};
            UnixFsImporter.Node node = UnixFsImporter.file(part.body(), p, sink, n -> {
                if (progress && n - last[0] >= PROGRESS_EVERY) {
                    last[0] = n;
                    line(out, Map.of("Name", name, "Bytes", n));
                }
            });
            if (progress) {
                line(out, Map.of("Name", name, "Bytes", node.size()));
            }
            dirs.get(parent(path)).add(new UnixFsImporter.Entry(leafName(path), node));
            if (!quieter) {
                fileLine(out, path, node, quiet);
            }
            results.add(new String[] {path, node.cid().toString()});
        }
        if (files == 0 && dirs.size() == 1) {
            throw HttpProblem.badRequest("add needs at least one file part in the multipart body");
        }
        // Directories, deepest first, each into its parent.
        List<String> paths = new ArrayList<>(dirs.keySet());
        paths.remove("");
        paths.sort(Comparator.comparingInt((String s) -> s.split("/").length).reversed());
        UnixFsImporter.Node lastNode = null;
        String lastName = null;
        for (String d : paths) {
            UnixFsImporter.Node node = directory(dirs.get(d), p, sink, d);
            dirs.get(parent(d)).add(new UnixFsImporter.Entry(leafName(d), node));
            lastNode = node;
            lastName = d;
            if (!quiet) {
                fileLine(out, d, node, false);
            }
        }
        List<io.cairn.cid.Cid> roots = new ArrayList<>();
        if (wrap) {
            UnixFsImporter.Node root = directory(dirs.get(""), p, sink, "");
            fileLine(out, "", root, quiet);
            roots.add(root.cid());
            return roots;
        }
        for (UnixFsImporter.Entry e : dirs.get("")) {
            roots.add(e.node().cid());
        }
        if (quieter) {
            // quieter: only the final root (the last top-level item)
            List<UnixFsImporter.Entry> top = dirs.get("");
            UnixFsImporter.Entry e = top.getLast();
            fileLine(out, e.name(), e.node(), true);
        } else if (quiet && lastNode != null) {
            fileLine(out, lastName, lastNode, true);
        }
        return roots;
    }

    private static UnixFsImporter.Node directory(List<UnixFsImporter.Entry> entries, ImportParams p, Consumer<Block> sink, String path) {
        try {
            // basic up to Kubo's HAMT threshold, sharded above it
            return UnixFsImporter.directoryOrHamt(entries, p, sink);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    private static void fileLine(OutputStream out, String name, UnixFsImporter.Node node, boolean quiet) throws IOException {
        Map<String, Object> l = new LinkedHashMap<>();
        if (quiet) {
            l.put("Hash", node.cid().toString());
        } else {
            l.put("Name", name);
            l.put("Hash", node.cid().toString());
            l.put("Size", Long.toString(node.tsize()));
        }
        line(out, l);
    }

    private static void line(OutputStream out, Map<String, ?> value) {
        try {
            out.write(Http.JSON.writeValueAsBytes(value));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The part's path: its URL-encoded filename (Kubo's clients), cleaned of leading slashes, never escaping upwards. */
    static String path(MultipartReader.Part part) {
        String raw = part.filename() != null ? part.filename() : part.name();
        if (raw == null || raw.isBlank()) {
            raw = "";
        }
        String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        List<String> segs = new ArrayList<>();
        for (String s : decoded.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                throw HttpProblem.badRequest("file path '" + decoded + "' climbs out with ..");
            }
            segs.add(s);
        }
        return String.join("/", segs);
    }

    private static void registerParents(Map<String, List<UnixFsImporter.Entry>> dirs, String path) {
        String p = parent(path);
        while (!p.isEmpty() && !dirs.containsKey(p)) {
            dirs.put(p, new ArrayList<>());
            p = parent(p);
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String leafName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
