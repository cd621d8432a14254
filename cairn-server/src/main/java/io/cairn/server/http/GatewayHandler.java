package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.Viewer;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import io.cairn.cid.Varint;
import io.cairn.server.ops.DagExport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trustless gateway (read-only): {@code GET|HEAD /ipfs/{cid}} as a raw block or a CAR, per the
 * IPFS trustless-gateway spec and docs/PROTOCOLS.md. Nothing here writes to the store.
 */
public final class GatewayHandler extends Handler.Abstract {
    static final String RAW = "application/vnd.ipld.raw";
    static final String CAR = "application/vnd.ipld.car";
    private static final String IMMUTABLE = "public, max-age=29030400, immutable";

    /**
     * Blocks at least this large are served through {@link Viewer#view} (see {@link #open}): the size
     * from which the flatfs store memory-maps a view instead of reading it into the heap.
     */
    static final int VIEW_FROM = FlatFsOptions.defaults().mapViewsFrom();

    private final Blockstore store;

    public GatewayHandler(Blockstore store) {
        this.store = store;
    }

    private enum Kind { RAW, CAR }

    /** The representation asked for: raw, or CAR with its scope and duplicate policy. */
    private record Wanted(Kind kind, String scope, boolean dups) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        boolean head = "HEAD".equals(request.getMethod());
        try {
            serve(request, response, head);
            callback.succeeded();
        } catch (Throwable t) {
            fail(response, callback, t, head);
        }
        return true;
    }

    private void serve(Request request, Response response, boolean head) throws IOException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            throw new HttpProblem(405, 1, "the gateway is read-only: " + method + " is not allowed, use GET or HEAD");
        }
        String path = request.getHttpURI().getDecodedPath();
        if (path == null || !path.startsWith("/ipfs/")) {
            throw new HttpProblem(404, 0, "not found: this gateway serves /ipfs/{cid}");
        }
        String rest = path.substring("/ipfs/".length());
        int slash = rest.indexOf('/');
        String cidText = slash < 0 ? rest : rest.substring(0, slash);
        String subPath = slash < 0 ? "" : rest.substring(slash + 1);
        if (cidText.isEmpty()) {
            throw HttpProblem.badRequest("missing CID after /ipfs/");
        }
        Cid cid = Cid.parse(cidText);
        Fields q = Http.query(request);
        Wanted wanted = negotiate(Http.param(q, "format"), request.getHeaders().get(HttpHeader.ACCEPT),
                Http.param(q, "dag-scope"));
        if (!subPath.isEmpty()) {
            // Paths are resolved by walking a UnixFS or IPLD structure, which a block server cannot do.
            throw HttpProblem.badRequest(wanted.kind() == Kind.RAW
                    ? "a raw block request carries no path after the CID (got /" + subPath + ")"
                    : "path resolution inside a DAG is not supported here (got /" + subPath + ")");
        }

        String etag = wanted.kind() == Kind.RAW ? "\"" + cid + ".raw\""
                : "\"" + cid + ".car." + wanted.scope() + (wanted.dups() ? ".dups" : "") + "\"";
        var h = response.getHeaders();
        h.put(HttpHeader.ETAG, etag);
        h.put(HttpHeader.CACHE_CONTROL, IMMUTABLE);
        h.put("X-Ipfs-Path", "/ipfs/" + cidText);
        h.put("X-Ipfs-Roots", cid.toString());
        h.put(HttpHeader.VARY, "Accept");
        h.put("X-Content-Type-Options", "nosniff");

        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && matches(ifNoneMatch, etag) && (!ifNoneMatch.trim().equals("*") || store.has(cid))) {
            response.setStatus(304);
            Http.write(response, true, ByteBuffer.allocate(0));
            return;
        }
        String cacheControl = request.getHeaders().get(HttpHeader.CACHE_CONTROL);
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("only-if-cached") && !store.has(cid)) {
            throw new HttpProblem(412, 0, "block " + cid + " is not in the local store (only-if-cached)");
        }

        if (wanted.kind() == Kind.RAW) {
            serveRaw(request, response, cid, head);
        } else {
            serveCar(response, cid, wanted, head);
        }
    }

    private void serveRaw(Request request, Response response, Cid cid, boolean head) throws IOException {
        // HEAD needs only the size, which the store answers without reading the block.
        Source source = head ? null : open(cid);
        int size = head ? store.getSize(cid) : source.size();
        var h = response.getHeaders();
        h.put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + cid + ".bin\"");
        h.put(HttpHeader.ACCEPT_RANGES, "bytes");
        long[] range = Ranges.parse(request.getHeaders().get(HttpHeader.RANGE), size);
        if (range == Ranges.UNSATISFIABLE) {
            h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            throw new HttpProblem(416, 1, "range not satisfiable for a block of " + size + " bytes");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, RAW);
        if (range == null) {
            response.setStatus(200);
            h.put(HttpHeader.CONTENT_LENGTH, size);
            if (head) {
                Http.write(response, true, ByteBuffer.allocate(0));
            } else {
                writeBlock(response, cid, source, null, 0, size);
            }
            return;
        }
        int from = (int) range[0];
        int to = (int) range[1];
        response.setStatus(206);
        h.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
        h.put(HttpHeader.CONTENT_LENGTH, to - from + 1);
        if (head) {
            Http.write(response, true, ByteBuffer.allocate(0));
        } else {
            writeBlock(response, cid, source, null, from, to - from + 1);
        }
    }

    private void serveCar(Response response, Cid cid, Wanted wanted, boolean head) throws IOException {
        var h = response.getHeaders();
        h.put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + cid + ".car\"");
        h.put(HttpHeader.CONTENT_TYPE, CAR + "; version=1; order=dfs; dups=" + (wanted.dups() ? "y" : "n"));
        if (wanted.scope().equals("block")) {
            // The CAR is the header and one section prefix, then the block as it is: no copy of the
            // block is assembled, and HEAD needs only the size.
            Source source = head ? null : open(cid);
            int size = head ? store.getSize(cid) : source.size();
            byte[] prefix = singleBlockCarPrefix(cid, size);
            response.setStatus(200);
            h.put(HttpHeader.CONTENT_LENGTH, (long) prefix.length + size);
            if (head) {
                Http.write(response, true, ByteBuffer.allocate(0));
            } else {
                writeBlock(response, cid, source, ByteBuffer.wrap(prefix), 0, size);
            }
            return;
        }
        // A whole DAG: the root is fetched first so that a miss is still a clean 404; then the CAR streams.
        Block root = DagExport.root(store, cid);
        response.setStatus(200);
        if (head) {
            Http.write(response, true, ByteBuffer.allocate(0));
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            DagExport.write(store, root, out, wanted.dups());
        }
    }

    /**
     * Where a GET's block bytes come from: {@code data} read with {@link Blockstore#get}, or, when
     * {@code data} is null, a {@link Viewer#view} at write time of a block known to be {@code size} bytes.
     */
    private record Source(byte[] data, int size) {
    }

    /**
     * Large blocks (at least {@link #VIEW_FROM} bytes) of a store that is a {@link Viewer} are left to
     * {@link #writeBlock}, which serves them through {@code view}: the flatfs store maps them, so no
     * heap array the size of the block is allocated (a humongous G1 allocation, unaccounted by the
     * governor, that can tip a small heap into OutOfMemoryError under pressure) — and the content
     * cache still answers a cached one. Smaller blocks are read with {@code get}: flatfs would read
     * them into the heap anyway, and {@code get} lets the content cache learn them. A block that
     * {@code getSize} does not find is asked of {@code get} too, which answers not-found (counted as a
     * read miss) or the block, if it arrived in between.
     */
    private Source open(Cid cid) {
        if (store instanceof Viewer) {
            try {
                int size = store.getSize(cid);
                if (size >= VIEW_FROM) {
                    return new Source(null, size);
                }
            } catch (BlockNotFoundException e) {
                // fall through to get()
            }
        }
        byte[] data = store.get(cid).bytes();
        return new Source(data, data.length);
    }

    /**
     * Writes {@code before} (if any) and bytes {@code [from, from + length)} of the block as the rest of
     * the response, blocking until they are written. A viewed block is written entirely inside the
     * reader function, because the store may unmap its buffer as soon as the reader returns; nothing is
     * written before the view has found the block, so a block deleted since {@link #open} still gets a
     * clean 404.
     */
    private void writeBlock(Response response, Cid cid, Source source, ByteBuffer before, int from, int length)
            throws IOException {
        if (source.data() != null) {
            if (before != null) {
                Http.write(response, false, before);
            }
            Http.write(response, true, ByteBuffer.wrap(source.data(), from, length));
            return;
        }
        try {
            ((Viewer) store).view(cid, buffer -> {
                if (buffer.remaining() != source.size()) {
                    throw new IllegalStateException("block " + cid + " is " + buffer.remaining()
                            + " bytes, but its size was given as " + source.size());
                }
                try {
                    if (before != null) {
                        Http.write(response, false, before);
                    }
                    Http.write(response, true, buffer.slice(buffer.position() + from, length));
                } catch (IOException e) {
                    throw new WriteFailed(e);
                }
                return null;
            });
        } catch (WriteFailed e) {
            throw e.getCause();
        }
    }

    /** Carries a response write's IOException out of a {@link Viewer#view} reader function. */
    private static final class WriteFailed extends UncheckedIOException {
        WriteFailed(IOException cause) {
            super(cause);
        }
    }

    /** A CARv1 of one block, up to the block's bytes: the length-prefixed header, then the section's length and CID. */
    private static byte[] singleBlockCarPrefix(Cid cid, int size) {
        byte[] header = CarWriter.header(List.of(cid));
        long sectionLength = (long) cid.encodedLength() + size;
        byte[] prefix = new byte[Varint.size(header.length) + header.length + Varint.size(sectionLength) + cid.encodedLength()];
        int n = Varint.write(header.length, prefix, 0);
        System.arraycopy(header, 0, prefix, n, header.length);
        n += header.length;
        n += Varint.write(sectionLength, prefix, n);
        cid.writeTo(prefix, n);
        return prefix;
    }

    /** format= wins over Accept; otherwise the first acceptable media range in q order. */
    private static Wanted negotiate(String format, String accept, String dagScope) {
        String scope = dagScope == null || dagScope.isBlank() ? "all" : dagScope.trim().toLowerCase(Locale.ROOT);
        if (!scope.equals("block") && !scope.equals("all") && !scope.equals("entity")) {
            throw HttpProblem.badRequest("dag-scope must be block, entity or all, got '" + dagScope + "'");
        }
        if (scope.equals("entity")) {
            // Without UnixFS knowledge the entity of a block is the DAG below it.
            scope = "all";
        }
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "raw" -> new Wanted(Kind.RAW, scope, false);
                case "car" -> new Wanted(Kind.CAR, scope, false);
                default -> throw new HttpProblem(406, 1, "format '" + format + "' cannot be served here; use format=raw or format=car");
            };
        }
        if (accept != null) {
            for (String range : Accepts.ordered(accept)) {
                String[] parts = range.split(";");
                String type = parts[0].trim().toLowerCase(Locale.ROOT);
                if (type.equals(RAW)) {
                    return new Wanted(Kind.RAW, scope, false);
                }
                if (type.equals(CAR)) {
                    boolean ok = true;
                    boolean dups = false;
                    for (int i = 1; i < parts.length; i++) {
                        String[] kv = parts[i].trim().split("=", 2);
                        String k = kv[0].trim().toLowerCase(Locale.ROOT);
                        String v = kv.length > 1 ? kv[1].trim().toLowerCase(Locale.ROOT) : "";
                        switch (k) {
                            case "version" -> ok &= v.equals("1");
                            case "order" -> ok &= v.equals("dfs") || v.equals("unk");
                            case "dups" -> {
                                ok &= v.equals("y") || v.equals("n");
                                dups = v.equals("y");
                            }
                            default -> { }
                        }
                    }
                    if (ok) {
                        return new Wanted(Kind.CAR, scope, dups);
                    }
                }
            }
        }
        throw new HttpProblem(406, 1, "this gateway serves only application/vnd.ipld.raw and "
                + "application/vnd.ipld.car (version=1); ask with ?format=raw, ?format=car or an Accept header");
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static void fail(Response response, Callback callback, Throwable t, boolean head) {
        if (response.isCommitted()) {
            callback.failed(t);
            return;
        }
        HttpProblem p = Errors.toProblem(t, false);
        try {
            if (p.status() == 429 || p.status() == 503) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, p.retryAfterSeconds());
            }
            // Error responses must not carry the success headers set before the failure.
            for (HttpHeader hh : List.of(HttpHeader.CACHE_CONTROL, HttpHeader.ETAG, HttpHeader.CONTENT_DISPOSITION)) {
                response.getHeaders().remove(hh);
            }
            response.getHeaders().remove("X-Ipfs-Roots");
            Http.sendText(response, p.status(), p.getMessage(), head);
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    /** Accept header parsing: media ranges ordered by their q value, stable for equal q. */
    static final class Accepts {
        private Accepts() {
        }

        static List<String> ordered(String accept) {
            List<String> ranges = new ArrayList<>();
            List<Double> qs = new ArrayList<>();
            for (String r : accept.split(",")) {
                String range = r.trim();
                if (range.isEmpty()) {
                    continue;
                }
                double q = 1.0;
                StringBuilder kept = new StringBuilder();
                for (String p : range.split(";")) {
                    String t = p.trim();
                    if (t.toLowerCase(Locale.ROOT).startsWith("q=")) {
                        try {
                            q = Double.parseDouble(t.substring(2));
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    } else {
                        if (!kept.isEmpty()) {
                            kept.append(';');
                        }
                        kept.append(t);
                    }
                }
                if (q > 0) {
                    int at = 0;
                    while (at < qs.size() && qs.get(at) >= q) {
                        at++;
                    }
                    ranges.add(at, kept.toString());
                    qs.add(at, q);
                }
            }
            return ranges;
        }
    }
}
