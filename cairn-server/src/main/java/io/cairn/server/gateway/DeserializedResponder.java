package io.cairn.server.gateway;

import io.cairn.blockstore.Block;

import io.cairn.cid.Multicodec;
import io.cairn.server.http.Ranges;
import io.cairn.unixfs.BlockSource;
import io.cairn.unixfs.DirEntry;
import io.cairn.unixfs.FileVisitor;
import io.cairn.unixfs.PbNode;
import io.cairn.unixfs.UnixFs;
import io.cairn.unixfs.UnixFsData;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Deserialized responses, for people and browsers: UnixFS files (content type from the name or
 * sniffed, Range), directories ({@code index.html}, else an HTML listing), and IPLD blocks rendered
 * as dag-json or dag-cbor on request. Only served when the gateway is configured to
 * ({@link GatewayConfig#deserialized()}).
 */
final class DeserializedResponder {
    private final GatewayBackend backend;
    private final BlockSource source;

    DeserializedResponder(GatewayBackend backend) {
        this.backend = backend;
        this.source = backend::get;
    }

    void serve(GatewayRequest g) throws IOException {
        ResolvedPath rp = backend.resolve(g.path());
        Block t = backend.get(rp.terminal());
        g.response().getHeaders().put("X-Ipfs-Roots", Gateway.roots(rp));
        Wanted.Format f = g.wanted().format();
        if (f != Wanted.Format.DESERIALIZED) {
            codec(g, t, f);
            return;
        }
        long codec = t.cid().codec();
        if (codec == Multicodec.RAW || codec == Multicodec.DAG_PB) {
            switch (UnixFs.kind(t)) {
                case FILE -> file(g, t, g.path().isBare() ? null : g.path().segments().getLast());
                case DIRECTORY, HAMT_DIRECTORY -> directory(g, t);
                case SYMLINK -> {
                    byte[] target = UnixFsData.of(PbNode.decode(t.bytes())).data();
                    g.response().getHeaders().put(HttpHeader.ETAG, "\"" + t.cid() + "\"");
                    Responses.send(g.response(), 200, "text/plain; charset=utf-8", target, g.head());
                }
                case OTHER -> codec(g, t, Wanted.Format.DAG_JSON);
            }
        } else if (codec == Multicodec.DAG_CBOR) {
            codec(g, t, Wanted.Format.DAG_JSON);
        } else if (codec == Multicodec.DAG_JSON) {
            codec(g, t, Wanted.Format.DAG_JSON);
        } else if (codec == Multicodec.JSON) {
            codec(g, t, Wanted.Format.JSON);
        } else if (codec == Multicodec.CBOR) {
            codec(g, t, Wanted.Format.CBOR);
        } else {
            file(g, t, null);
        }
    }

    private void file(GatewayRequest g, Block file, String name) throws IOException {
        Response response = g.response();
        var h = response.getHeaders();
        String etag = "\"" + file.cid() + "\"";
        h.put(HttpHeader.ETAG, etag);
        if (g.notModified(etag, true)) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        long size = file.cid().codec() == Multicodec.DAG_PB ? UnixFs.fileSize(file) : file.size();
        String type = ContentTypes.byName(g.filename() != null ? g.filename() : name);
        if (type == null) {
            type = sniff(file, size);
        }
        h.put(HttpHeader.CONTENT_TYPE, type);
        disposition(g, g.filename());
        h.put(HttpHeader.ACCEPT_RANGES, "bytes");
        long[] range = Ranges.parse(g.header(HttpHeader.RANGE), size);
        if (range == Ranges.UNSATISFIABLE) {
            h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            throw new GatewayException(GatewayException.Kind.RANGE_NOT_SATISFIABLE,
                    "range not satisfiable for a file of " + size + " bytes");
        }
        long from = range == null ? 0 : range[0];
        long to = range == null ? size - 1 : range[1];
        if (range == null) {
            response.setStatus(200);
        } else {
            response.setStatus(206);
            h.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
        }
        h.put(HttpHeader.CONTENT_LENGTH, to - from + 1);
        if (g.head()) {
            Responses.end(response);
            return;
        }
        try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024)) {
            UnixFs.readRange(source, file, from, to, new FileVisitor() {
                @Override
                public void bytes(byte[] data, int off, int len) throws IOException {
                    out.write(data, off, len);
                }
            });
        }
    }

    private String sniff(Block file, long size) throws IOException {
        byte[] head = new byte[(int) Math.min(ContentTypes.SNIFF, size)];
        int[] n = {0};
        UnixFs.readRange(source, file, 0, head.length - 1, new FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) {
                System.arraycopy(data, off, head, n[0], len);
                n[0] += len;
            }
        });
        return ContentTypes.sniff(head, n[0]);
    }

    private void directory(GatewayRequest g, Block dir) throws IOException {
        Response response = g.response();
        if (!g.path().trailingSlash()) {
            // Relative links in a listing or an index.html need the directory's URL to end in '/'.
            String query = g.request().getHttpURI().getQuery();
            response.getHeaders().put(HttpHeader.LOCATION, g.request().getHttpURI().getPath() + "/"
                    + (query == null ? "" : "?" + query));
            Responses.sendText(response, 301, "a directory: see " + g.path().text() + "/", g.head());
            return;
        }
        Optional<DirEntry> index = UnixFs.lookup(source, dir, "index.html", b -> { });
        if (index.isPresent()) {
            file(g, backend.get(index.get().cid()), "index.html");
            return;
        }
        var h = response.getHeaders();
        String etag = "\"DirIndex-" + dir.cid() + "\"";
        h.put(HttpHeader.ETAG, etag);
        if (g.notModified(etag, true)) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        h.put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.setStatus(200);
        if (g.head()) {
            Responses.end(response);
            return;
        }
        try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024)) {
            String title = html(g.path().text() + "/");
            out.write(("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body>\n<h1>"
                    + title + "</h1>\n<table>\n<tr><th>name</th><th>CID</th><th>size</th></tr>\n")
                    .getBytes(StandardCharsets.UTF_8));
            try {
                UnixFs.list(source, dir, b -> { }, e -> {
                    String href = URLEncoder.encode(e.name(), StandardCharsets.UTF_8).replace("+", "%20");
                    String row = "<tr><td><a href=\"" + href + "\">" + html(e.name()) + "</a></td><td>" + e.cid()
                            + "</td><td>" + (e.tsize() >= 0 ? e.tsize() : "") + "</td></tr>\n";
                    try {
                        out.write(row.getBytes(StandardCharsets.UTF_8));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            out.write("</table>\n</body></html>\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The block as dag-json, dag-cbor, json or cbor: as stored when the codecs agree, converted between dag-json, dag-cbor and dag-pb. */
    private void codec(GatewayRequest g, Block t, Wanted.Format f) throws IOException {
        long c = t.cid().codec();
        byte[] body = IpldCodecs.render(t, f.param);
        if (body == null) {
            throw GatewayException.notAcceptable(t.cid() + " is " + Multicodec.name(c).orElse("0x" + Long.toHexString(c))
                    + " and cannot be rendered as " + f.param);
        }
        Response response = g.response();
        String etag = "\"" + t.cid() + "." + f.param + "\"";
        response.getHeaders().put(HttpHeader.ETAG, etag);
        if (g.notModified(etag, true)) {
            response.setStatus(304);
            Responses.end(response);
            return;
        }
        String type = switch (f) {
            case DAG_JSON -> Negotiation.DAG_JSON;
            case DAG_CBOR -> Negotiation.DAG_CBOR;
            case JSON -> "application/json";
            default -> "application/cbor";
        };
        disposition(g, g.filename() != null ? g.filename()
                : t.cid() + (f == Wanted.Format.DAG_JSON || f == Wanted.Format.JSON ? ".json" : ".cbor"));
        Responses.send(response, 200, type, body, g.head());
    }

    private static void disposition(GatewayRequest g, String name) {
        if (g.download()) {
            g.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                    GatewayRequest.disposition("attachment", name != null ? name : lastName(g)));
        } else if (name != null) {
            g.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION, GatewayRequest.disposition("inline", name));
        }
    }

    private static String lastName(GatewayRequest g) {
        return g.path().isBare() ? g.path().root().toString() : g.path().segments().getLast();
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

}
