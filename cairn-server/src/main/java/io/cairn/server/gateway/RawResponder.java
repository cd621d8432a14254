package io.cairn.server.gateway;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Viewer;
import io.cairn.cid.Cid;
import io.cairn.server.http.BlockViews;
import io.cairn.server.http.Ranges;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code application/vnd.ipld.raw}: the one block at the end of the path, with Range support.
 *
 * <p><b>No copies.</b> A GET is answered inside {@link Viewer#view}: a block in the content cache is
 * written to the socket straight from native memory (a read-only direct buffer over the cached
 * segment, which the cache pins until the view returns, so eviction and trims cannot free it under
 * the write); a block not cached is written from the buffer the store lends (a mapped file for large
 * flatfs blocks, a heap array otherwise) and learnt by the cache on the way. The view returns only once
 * the write has completed or failed, a client abort included, so the pin never outlives the write.
 * The size comes from the buffer itself, so a hit costs no separate size lookup.
 */
final class RawResponder {
    /** Fixed headers, encoded once rather than per response. */
    static final HttpField ACCEPT_RANGES = new PreEncodedHttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    static final HttpField CONTENT_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Gateway.RAW);
    static final String X_IPFS_ROOTS = "X-Ipfs-Roots";

    private final GatewayBackend backend;

    RawResponder(GatewayBackend backend) {
        this.backend = backend;
    }

    void serve(GatewayRequest g) throws IOException {
        ResolvedPath rp = backend.resolve(g.path());
        Cid cid = rp.terminal();
        Response response = g.response();
        var h = response.getHeaders();
        String cidText = cid.toString();
        String etag = etag(cidText);
        h.put(HttpHeader.ETAG, etag);
        h.put(X_IPFS_ROOTS, rp.roots().size() == 1 ? rp.roots().getFirst().toString() : Gateway.roots(rp));
        // Only If-None-Match: * needs to know whether the block exists.
        if (g.header(HttpHeader.IF_NONE_MATCH) != null && g.notModified(etag, backend.has(cid))) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        h.put(HttpHeader.CONTENT_DISPOSITION, g.filename() != null
                ? GatewayRequest.disposition("attachment", g.filename())
                : defaultDisposition(cidText));
        h.put(ACCEPT_RANGES);
        h.put(CONTENT_TYPE);
        if (g.head()) {
            // HEAD needs only the size, which the store answers without reading the block.
            respond(g, null, backend.size(cid));
            return;
        }
        Optional<Viewer> viewer = backend.viewer();
        if (viewer.isEmpty() || cid.isIdentity()) {
            ByteBuffer data = ByteBuffer.wrap(backend.get(cid).bytes());
            respond(g, data, data.remaining());
            return;
        }
        BlockViews.write(viewer.get(), cid, buffer -> respond(g, buffer, buffer.remaining()));
    }

    /** The raw response's entity tag for a block whose CID prints as {@code cid}. */
    static String etag(String cid) {
        return "\"" + cid + ".raw\"";
    }

    /** Content-Disposition without a {@code filename} parameter: the CID with {@code .bin}. */
    static String defaultDisposition(String cid) {
        return "attachment; filename=\"" + cid + ".bin\"";
    }

    /** Status, length and range headers for a block of {@code size} bytes, then its bytes (none for HEAD). */
    private static void respond(GatewayRequest g, ByteBuffer block, int size) throws IOException {
        Response response = g.response();
        var h = response.getHeaders();
        String rangeHeader = g.header(HttpHeader.RANGE);
        long[] range = rangeHeader == null ? null : Ranges.parse(rangeHeader, size);
        if (range == Ranges.UNSATISFIABLE) {
            h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            throw new GatewayException(GatewayException.Kind.RANGE_NOT_SATISFIABLE,
                    "range not satisfiable for a block of " + size + " bytes");
        }
        int from = range == null ? 0 : (int) range[0];
        int length = range == null ? size : (int) (range[1] - range[0] + 1);
        if (range == null) {
            response.setStatus(200);
        } else {
            response.setStatus(206);
            h.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + range[1] + "/" + size);
        }
        h.put(HttpHeader.CONTENT_LENGTH, length);
        if (block == null) {
            Responses.end(response);
        } else {
            Responses.write(response, true, block.slice(block.position() + from, length));
        }
    }

    /**
     * Where a GET's block bytes come from: {@code data} read with {@code get}, or, when {@code data}
     * is null, a {@link Viewer#view} at write time of a block known to be {@code size} bytes.
     */
    record Source(byte[] data, int size) {
    }

    /**
     * Blocks of a store that is a {@link Viewer} are left to {@link #writeBlock}, which serves them
     * through {@code view}: from the content cache's native memory when cached, from the store's own
     * buffer (mapped for large flatfs blocks) otherwise, learnt by the cache on the way; no heap copy
     * the size of the block. A block {@code size} does not find is asked of {@code get}, which answers
     * not-found (counted as a miss) or the block, if it arrived in between.
     */
    Source open(Cid cid) {
        if (backend.viewer().isPresent() && !cid.isIdentity()) {
            try {
                return new Source(null, backend.size(cid));
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
     * may unmap or unpin its buffer as soon as the reader returns; nothing is written before the view
     * has found the block, so a block deleted since {@link #open} still gets a clean 404.
     */
    void writeBlock(Response response, Cid cid, Source source, ByteBuffer before, int from, int length) throws IOException {
        if (source.data() != null) {
            if (before != null) {
                Responses.write(response, false, before);
            }
            Responses.write(response, true, ByteBuffer.wrap(source.data(), from, length));
            return;
        }
        BlockViews.write(backend.viewer().orElseThrow(), cid, buffer -> {
            if (buffer.remaining() != source.size()) {
                throw new IllegalStateException("block " + cid + " is " + buffer.remaining()
                        + " bytes, but its size was given as " + source.size());
            }
            if (before != null) {
                Responses.write(response, false, before);
            }
            Responses.write(response, true, buffer.slice(buffer.position() + from, length));
        });
    }
}
