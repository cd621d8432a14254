package io.cairn.server.gateway;

import io.cairn.blockstore.BlockBytes;
import io.cairn.cid.Cid;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

import java.util.Locale;

/**
 * The hot path: a GET of a bare {@code /ipfs/{cid}} as a raw block that the content cache holds,
 * answered on the I/O thread that parsed the request, with an asynchronous write. That saves what a
 * hand-off to a worker costs per request: a virtual thread, a wake-up of the selector to take the
 * connection's read interest back and two {@code epoll_ctl} calls (docs/BENCHMARKS.md, "Hot GETs on
 * the I/O thread").
 *
 * <p>Only requests that can be answered without blocking take the path: GET; no query, or exactly
 * {@code format=raw}; no {@code Range}, {@code If-None-Match}, {@code Service-Worker} or
 * {@code only-if-cached}; a CID (not identity) whose block the content cache holds. For anything else
 * {@link #tryServe} returns false having touched nothing, and the caller serves the request on a
 * virtual thread; the headers are the blocking path's (the same constants and helpers), in the same order.
 *
 * <p><b>No copies.</b> The block is lent from the cache's native memory and stays pinned until the
 * write has completed or failed (the write's callback closes the lease), so eviction and trims cannot
 * free it under the socket; the I/O thread never waits for a slow client. The residency check and the
 * lease are one step ({@code CachingBlockstore.openIfCached}), so the store is never read on this thread.
 */
final class InlineRaw {
    private final GatewayBackend backend;
    private final Gateway gateway;
    private final BlockHeaders headers = new BlockHeaders();

    InlineRaw(GatewayBackend backend, Gateway gateway) {
        this.backend = backend;
        this.gateway = gateway;
    }

    /**
     * Serves {@code request} now and returns true (the callback completes when the write does), or
     * returns false without having touched the response.
     */
    boolean tryServe(Request request, Response response, Callback callback) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        HttpFields in = request.getHeaders();
        if (in.contains(HttpHeader.RANGE) || in.contains(HttpHeader.IF_NONE_MATCH) || in.contains("Service-Worker")) {
            return false;
        }
        String cacheControl = in.get(HttpHeader.CACHE_CONTROL);
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("only-if-cached")) {
            return false;
        }
        String path = request.getHttpURI().getDecodedPath();
        if (path == null || path.length() <= "/ipfs/".length() || !path.startsWith("/ipfs/")
                || path.indexOf('/', "/ipfs/".length()) >= 0) {
            return false;
        }
        String query = request.getHttpURI().getQuery();
        if (query != null && !query.equals("format=raw")) {
            return false;
        }
        Wanted wanted;
        BlockHeaders.Entry block;
        try {
            wanted = Negotiation.negotiate(query == null ? null : "raw", in.get(HttpHeader.ACCEPT),
                    new Negotiation.CarQuery(null, null, null), gateway.config().serveDeserialized());
            block = headers.of(path);
        } catch (RuntimeException e) {
            return false; // the blocking path answers with the 4xx
        }
        Cid cid = block.cid();
        if (wanted.format() != Wanted.Format.RAW || cid.isIdentity()) {
            return false;
        }
        BlockBytes bytes;
        try {
            bytes = backend.openResident(cid);
        } catch (RuntimeException e) {
            return false; // deleted since, store closing: the blocking path answers
        }
        if (bytes == null) {
            return false;
        }
        HttpFields.Mutable h = response.getHeaders();
        gateway.cors(h);
        h.add(Gateway.IMMUTABLE_FIELD);
        h.add(block.ipfsPath());
        h.add(Gateway.VARY_ACCEPT);
        h.add(Gateway.NOSNIFF);
        if (wanted.fromAccept()) {
            h.add(HttpHeader.CONTENT_LOCATION, Gateway.contentLocation(request, wanted));
        }
        h.add(block.etag());
        h.add(block.roots());
        h.add(block.disposition());
        h.add(RawResponder.ACCEPT_RANGES);
        h.add(RawResponder.CONTENT_TYPE);
        h.add(HttpHeader.CONTENT_LENGTH, bytes.size());
        response.setStatus(200);
        response.write(true, bytes.buffer(), Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> {
            bytes.close();
            callback.succeeded();
        }, failure -> {
            bytes.close();
            callback.failed(failure);
        }));
        return true;
    }
}
