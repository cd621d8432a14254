package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.car.CarFraming;
import io.cairn.car.CarWriter;
import io.cairn.cid.Cid;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code application/vnd.ipld.car}: the blocks proving the path, then those {@code dag-scope} (or
 * {@code entity-bytes}) selects, depth-first. Identity blocks are never written. The status is
 * decided once the root and the path are resolved; a block found missing after that ends the stream
 * unfinished, as the trustless-gateway spec asks, so a client can never mistake a partial CAR for a
 * whole one.
 */
final class CarResponder {
    private final GatewayBackend backend;
    private final RawResponder raw;

    CarResponder(GatewayBackend backend, RawResponder raw) {
        this.backend = backend;
        this.raw = raw;
    }

    void serve(GatewayRequest g) throws IOException {
        ContentPath path = g.path();
        CarParams params = g.wanted().car();
        Response response = g.response();
        var h = response.getHeaders();
        String etag = etag(g);
        h.put(HttpHeader.ETAG, etag);
        h.put(HttpHeader.CONTENT_TYPE, params.contentType());
        h.put(HttpHeader.CONTENT_DISPOSITION, GatewayRequest.disposition("attachment",
                g.filename() != null ? g.filename() : path.root() + ".car"));
        if (g.notModified(etag, backend.has(path.root()))) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        if (g.scope() == DagScope.BLOCK && path.isBare() && !path.root().isIdentity()) {
            singleBlock(g, path.root());
            return;
        }
        // Resolution and the terminal block come before the status: a missing root or path is a clean 404.
        ResolvedPath rp = backend.resolve(path);
        Block terminal = backend.get(rp.terminal());
        if (g.range() != null) {
            long size = backend.entitySize(terminal);
            if (size >= 0 && g.range().outside(size)) {
                throw GatewayException.badRequest("entity-bytes=" + g.range().text() + " starts beyond the end of "
                        + rp.terminal() + ", which is " + size + " bytes");
            }
        }
        h.put("X-Ipfs-Roots", Gateway.roots(rp));
        response.setStatus(200);
        if (g.head()) {
            Responses.end(response);
            return;
        }
        OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        CarWriter car = new CarWriter(out, List.of(path.root()));
        Set<Cid> seen = params.dups() ? null : new HashSet<>();
        GatewayBackend.BlockSink sink = b -> {
            if (b.cid().isIdentity() || seen != null && !seen.add(b.cid())) {
                return;
            }
            car.write(b.cid(), b.bytes());
        };
        try {
            for (Block b : rp.proof()) {
                sink.accept(b);
            }
            backend.walk(terminal, g.scope(), g.range(), params.dups(), sink);
        } catch (IOException | RuntimeException e) {
            // The 200 is decided: send what was written, then let the failure abort the stream, so
            // that the CAR ends unfinished instead of turning into an error page or a tidy-looking end.
            try {
                out.flush();
            } catch (IOException ignored) {
                // the client is gone; the failure below says why the stream stopped
            }
            throw e;
        }
        car.close();
    }

    /** A CAR of the root block alone: header and section prefix, then the block as it is (viewed when large). */
    private void singleBlock(GatewayRequest g, Cid cid) throws IOException {
        Response response = g.response();
        RawResponder.Source source = g.head() ? null : raw.open(cid);
        int size = g.head() ? backend.size(cid) : source.size();
        byte[] prefix = CarFraming.singleBlockPrefix(cid, size);
        response.getHeaders().put("X-Ipfs-Roots", cid.toString());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) prefix.length + size);
        if (g.head()) {
            Responses.end(response);
        } else {
            raw.writeBlock(response, cid, source, ByteBuffer.wrap(prefix), 0, size);
        }
    }

    /**
     * Differs for every input that changes the bytes: the root, the path, the scope, entity-bytes and
     * the duplicate policy (the order is always dfs, the version always 1).
     */
    static String etag(GatewayRequest g) {
        StringBuilder b = new StringBuilder("\"").append(g.path().root()).append(".car.").append(g.scope().label());
        if (g.wanted().car().dups()) {
            b.append(".dups");
        }
        if (g.range() != null) {
            b.append(".bytes-").append(g.range().text().replace(':', '_').replace('*', 'e'));
        }
        if (!g.path().isBare()) {
            b.append('.').append(shortHash(String.join("/", g.path().segments())));
        }
        return b.append('"').toString();
    }

    /** The first 8 bytes of the SHA-256 of {@code s}, in hex: a compact, stable tag for Etags. */
    static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
