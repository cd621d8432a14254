package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.cid.Multicodec;
import io.cairn.unixfs.UnixFsTar;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code application/x-tar} (IPIP-0288, {@code ?format=tar}): the UnixFS file, directory or symlink at
 * the end of the path as a tar stream whose top entry is named by the last path segment (the CID for
 * a bare one), written by {@link UnixFsTar} as the blocks are read. Content that is not UnixFS is a
 * {@code 406}. A block missing later, or an entry whose name would unpack outside the top directory,
 * is an error status while nothing has been sent yet, and ends the stream unfinished after that.
 */
final class TarResponder {
    private final GatewayBackend backend;

    TarResponder(GatewayBackend backend) {
        this.backend = backend;
    }

    void serve(GatewayRequest g) throws IOException {
        ContentPath path = g.path();
        ResolvedPath rp = backend.resolve(path);
        Block terminal = backend.get(rp.terminal());
        long codec = terminal.cid().codec();
        if (codec != Multicodec.RAW && codec != Multicodec.DAG_PB || !UnixFsTar.archivable(terminal)) {
            throw GatewayException.notAcceptable(rp.terminal() + " is " + Multicodec.name(codec).orElse("0x" + Long.toHexString(codec))
                    + (codec == Multicodec.DAG_PB ? " but not UnixFS" : "") + ", and only UnixFS files and directories can be "
                    + "served as a tar; fetch it with format=car or format=raw");
        }
        String name = path.isBare() ? path.root().toString() : path.segments().getLast();
        Response response = g.response();
        var h = response.getHeaders();
        // The archive's bytes depend on the tree and the top entry's name. They are deterministic here,
        // but the Etag is weak as the spec and gateway-conformance expect of a TAR (W/"{cid}.x-tar").
        String tag = "\"" + rp.terminal() + ".x-tar"
                + (name.equals(rp.terminal().toString()) ? "" : "." + CarResponder.shortHash(name)) + "\"";
        h.put(HttpHeader.ETAG, "W/" + tag);
        h.put("X-Ipfs-Roots", Gateway.roots(rp));
        h.put(HttpHeader.CONTENT_TYPE, Negotiation.TAR);
        h.put(HttpHeader.CONTENT_DISPOSITION, GatewayRequest.disposition("attachment",
                g.filename() != null ? g.filename() : name + ".tar"));
        if (g.notModified(tag, true)) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        response.setStatus(200);
        if (g.head()) {
            Responses.end(response);
            return;
        }
        // Nothing reaches the client before 64 KiB are buffered: a failure before that (an unsafe name
        // or a missing block in a small tree) is still a clean error status; after it, the stream is
        // aborted unfinished, so tar reports an error instead of unpacking a partial or unsafe tree.
        OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        UnixFsTar.write(backend::get, terminal, name, out);
        out.close();
    }
}
