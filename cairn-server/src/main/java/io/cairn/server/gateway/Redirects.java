package io.cairn.server.gateway;

import io.cairn.blockstore.Block;
import io.cairn.unixfs.FileVisitor;
import io.cairn.unixfs.UnixFs;
import org.eclipse.jetty.http.HttpHeader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a site's {@code _redirects} file ({@link RedirectsFile}) to a path its DAG does not have:
 * a 3xx with {@code Location} (the request's query parameters kept, overriding the rule's), a 200
 * rewrite served from the target path, or a 404/410/451 with the target file as the body.
 */
final class Redirects {
    /** The largest custom error page served from a 404/410/451 rule. */
    static final int MAX_PAGE = 1024 * 1024;

    private final GatewayBackend backend;
    private final Gateway gateway;

    Redirects(GatewayBackend backend, Gateway gateway) {
        this.backend = backend;
        this.gateway = gateway;
    }

    /**
     * @param siteRoot {@code /ipfs/{cid}[/…]}, the root the DNSLink name points at
     * @param path     the request path inside that root
     * @return whether a rule answered the request (false: no {@code _redirects} or no matching rule)
     */
    boolean apply(GatewayRequest g, String siteRoot, String path, String query) throws IOException {
        Optional<byte[]> file = read(siteRoot + "/_redirects", RedirectsFile.MAX_SIZE);
        if (file.isEmpty()) {
            return false;
        }
        RedirectsFile rules;
        try {
            rules = RedirectsFile.parse(file.get());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(GatewayException.Kind.INVALID_REDIRECTS, e.getMessage());
        }
        Optional<RedirectsFile.Match> m = rules.match(path);
        if (m.isEmpty()) {
            return false;
        }
        String to = m.get().to();
        int status = m.get().status();
        var h = g.response().getHeaders();
        switch (status) {
            case 200 -> {
                ContentPath target = ContentPath.parse(siteRoot + pathOf(to));
                gateway.dispatch(new GatewayRequest(g.request(), g.response(), g.head(), target, g.wanted(), g.scope(),
                        g.range(), g.filename(), g.download()));
            }
            case 404, 410, 451 -> {
                ContentPath target = ContentPath.parse(siteRoot + pathOf(to));
                ResolvedPath rp = backend.resolve(target);
                Block page = backend.get(rp.terminal());
                byte[] body = content(page, MAX_PAGE);
                h.put(HttpHeader.ETAG, "\"" + page.cid() + "\"");
                String type = ContentTypes.byName(target.segments().isEmpty() ? null : target.segments().getLast());
                Responses.send(g.response(), status, type != null ? type : "text/html; charset=utf-8", body, g.head());
            }
            default -> {
                h.remove(HttpHeader.CACHE_CONTROL);
                h.put(HttpHeader.LOCATION, withQuery(to, query));
                Responses.sendText(g.response(), status, "see " + withQuery(to, query), g.head());
            }
        }
        return true;
    }

    /** The UnixFS file at {@code path}, or empty when the path does not exist. */
    private Optional<byte[]> read(String path, int limit) throws IOException {
        ResolvedPath rp;
        try {
            rp = backend.resolve(ContentPath.parse(path));
        } catch (GatewayException e) {
            if (e.kind() == GatewayException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        Block b = backend.get(rp.terminal());
        if (UnixFs.kind(b) != UnixFs.Kind.FILE) {
            throw new GatewayException(GatewayException.Kind.INVALID_REDIRECTS, "_redirects is not a file");
        }
        return Optional.of(content(b, limit));
    }

    private byte[] content(Block file, int limit) throws IOException {
        long size = UnixFs.fileSize(file);
        if (size > limit) {
            throw new GatewayException(GatewayException.Kind.INVALID_REDIRECTS, file.cid() + " is " + size
                    + " bytes, over the " + limit + "-byte limit for a _redirects file or error page");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        UnixFs.read(backend::get, file, new FileVisitor() {
            @Override
            public void bytes(byte[] data, int off, int len) {
                out.write(data, off, len);
            }
        });
        return out.toByteArray();
    }

    private static String pathOf(String to) {
        int q = to.indexOf('?');
        String p = q < 0 ? to : to.substring(0, q);
        return p.startsWith("/") ? p : "/" + p;
    }

    /** {@code to} with the request's query parameters added; the request's win over the rule's own. */
    static String withQuery(String to, String query) {
        if (query == null || query.isEmpty()) {
            return to;
        }
        int q = to.indexOf('?');
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            for (String kv : to.substring(q + 1).split("&")) {
                if (!kv.isEmpty()) {
                    params.put(kv.split("=", 2)[0], kv);
                }
            }
        }
        for (String kv : query.split("&")) {
            if (!kv.isEmpty()) {
                params.put(kv.split("=", 2)[0], kv);
            }
        }
        return (q < 0 ? to : to.substring(0, q)) + "?" + String.join("&", params.values());
    }
}
