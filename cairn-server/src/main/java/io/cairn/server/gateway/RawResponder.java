package io.cairn.server.gateway;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.FlatFsOptions;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;
import io.cairn.server.http.Ranges;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** {@code application/vnd.ipld.raw}: the one block at the end of the path, with Range support. */
final class RawResponder {
    /**
     * Blocks at least this large are served through {@link Viewer#view}: the size from which the
     * flatfs store memory-maps a view instead of reading it into the heap.
     */
    static final int VIEW_FROM = FlatFsOptions.defaults().mapViewsFrom();

    private final GatewayBackend backend;

    RawResponder(GatewayBackend backend) {
        this.backend = backend;
    }

    void serve(GatewayRequest g) throws IOException {
        ResolvedPath rp = backend.resolve(g.path());
        Cid cid = rp.terminal();
        Response response = g.response();
        var h = response.getHeaders();
        String etag = "\"" + cid + ".raw\"";
        h.put(HttpHeader.ETAG, etag);
        h.put("X-Ipfs-Roots", Gateway.roots(rp));
        if (g.notModified(etag, backend.has(cid))) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        // HEAD needs only the size, which the store answers without reading the block.
        Source source = g.head() ? null : open(cid);
        int size = g.head() ? backend.size(cid) : source.size();
        h.put(HttpHeader.CONTENT_DISPOSITION, GatewayRequest.disposition("attachment",
                g.filename() != null ? g.filename() : cid + ".bin"));
        h.put(HttpHeader.ACCEPT_RANGES, "bytes");
        long[] range = Ranges.parse(g.header(HttpHeader.RANGE), size);
        if (range == Ranges.UNSATISFIABLE) {
            h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            throw new GatewayException(GatewayException.Kind.RANGE_NOT_SATISFIABLE,
                    "range not satisfiable for a block of " + size + " bytes");
        }
        h.put(HttpHeader.CONTENT_TYPE, Gateway.RAW);
        int from = range == null ? 0 : (int) range[0];
        int length = range == null ? size : (int) (range[1] - range[0] + 1);
        if (range == null) {
            response.setStatus(200);
        } else {
            response.setStatus(206);
            h.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + range[1] + "/" + size);
        }
        h.put(HttpHeader.CONTENT_LENGTH, length);
        if (g.head()) {
            Responses.end(response);
        } else {
            writeBlock(response, cid, source, null, from, length);
        }
    }

    /**
     * Where a GET's block bytes come from: {@code data} read with {@code get}, or, when {@code data}
     * is null, a {@link Viewer#view} at write time of a block known to be {@code size} bytes.
     */
    record Source(byte[] data, int size) {
    }

    /**
     * Large blocks (at least {@link #VIEW_FROM} bytes) of a store that is a {@link Viewer} are left to
     * {@link #writeBlock}, which serves them through {@code view}: the flatfs store maps them, so no
     * heap array the size of the block is allocated (a humongous allocation the governor does not
     * see) — and the content cache still answers a cached one. Smaller blocks are read with
     * {@code get}, which lets the content cache learn them. A block {@code size} does not find is
     * asked of {@code get} too, which answers not-found (counted as a miss) or the block, if it
     * arrived in between.
     */
    Source open(Cid cid) {
        if (backend.viewer().isPresent() && !cid.isIdentity()) {
            try {
                int size = backend.size(cid);
                if (size >= VIEW_FROM) {
                    return new Source(null, size);
                }
            } catch (BlockNotFoundException e) {
                // fall through to get()
            }
        }
        byte[] data = backend.get(cid).bytes();
        return new Source(data, data.length);
    }

    /**
     * Writes {@code before} (if any) and bytes {@code [from, from + length)} of the block as the rest of
     * the response. A viewed block is written entirely inside the reader function, because the store
     * may unmap its buffer as soon as the reader returns; nothing is written before the view has found
     * the block, so a block deleted since {@link #open} still gets a clean 404.
     */
    void writeBlock(Response response, Cid cid, Source source, ByteBuffer before, int from, int length) throws IOException {
        if (source.data() != null) {
            if (before != null) {
                Responses.write(response, false, before);
            }
            Responses.write(response, true, ByteBuffer.wrap(source.data(), from, length));
            return;
        }
        Optional<Viewer> viewer = backend.viewer();
        try {
            viewer.orElseThrow().view(cid, buffer -> {
                if (buffer.remaining() != source.size()) {
                    throw new IllegalStateException("block " + cid + " is " + buffer.remaining()
                            + " bytes, but its size was given as " + source.size());
                }
                try {
                    if (before != null) {
                        Responses.write(response, false, before);
                    }
                    Responses.write(response, true, buffer.slice(buffer.position() + from, length));
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
}
