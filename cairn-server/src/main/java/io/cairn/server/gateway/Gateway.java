package io.cairn.server.gateway;

import io.cairn.cid.Cid;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The IPFS path and trustless gateway ({@code GET|HEAD|OPTIONS /ipfs/{cid}[/path]}), shaped after
 * boxo's: a {@link GatewayBackend} answers for blocks and paths, one responder per format writes the
 * response (raw, CAR, deserialized), and {@link GatewayErrors} turns failures into status codes.
 * Nothing here writes to the store.
 */
public final class Gateway {
    public static final String RAW = "application/vnd.ipld.raw";
    public static final String CAR = "application/vnd.ipld.car";
    static final String IMMUTABLE = "public, max-age=29030400, immutable";
    static final String X_IPFS_PATH = "X-Ipfs-Path";
    /** Headers every immutable content response carries, encoded once. */
    static final HttpField IMMUTABLE_FIELD = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, IMMUTABLE);
    static final HttpField VARY_ACCEPT = new PreEncodedHttpField(HttpHeader.VARY, "Accept");
    static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");

    private final GatewayBackend backend;
    private final GatewayConfig config;
    private final RawResponder raw;
    private final CarResponder car;
    private final DeserializedResponder deserialized;
    private final TarResponder tar;
    private final NameResolver names;
    private final Redirects redirects;
    private final InlineRaw inline;
    private final HttpField[] cors;

    public Gateway(GatewayBackend backend, GatewayConfig config) {
        this(backend, config, NameResolver.NONE);
    }

    /** A gateway that also serves {@code /ipns/} names through {@code names}. */
    public Gateway(GatewayBackend backend, GatewayConfig config, NameResolver names) {
        this.backend = backend;
        this.names = names;
        this.config = config;
        this.raw = new RawResponder(backend);
        this.car = new CarResponder(backend, raw);
        this.deserialized = new DeserializedResponder(backend);
        this.tar = new TarResponder(backend);
        this.redirects = new Redirects(backend, this);
        this.inline = new InlineRaw(backend, this);
        this.cors = Cors.fields(config);
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * Serves a hot raw GET (a small block the content cache holds, see {@link InlineRaw}) without
     * blocking, so on the calling I/O thread, and returns true; the callback completes with the write.
     * Returns false, the response untouched, for every other request: serve those with {@link #handle}.
     */
    public boolean tryServeInline(Request request, Response response, Callback callback) {
        return inline.tryServe(request, response, callback);
    }

    /** Serves one request and completes the callback; never throws. May block (a virtual thread's work). */
    public void handle(Request request, Response response, Callback callback) {
        boolean head = "HEAD".equals(request.getMethod());
        cors(response.getHeaders());
        try {
            serve(request, response, head);
            callback.succeeded();
        } catch (Throwable t) {
            fail(response, callback, t, head);
        }
    }

    /** An OPTIONS request: the CORS preflight answer (204), or just Allow when CORS is off. */
    public void preflight(Request request, Response response, Callback callback) {
        try {
            cors(response.getHeaders());
            if (config.cors()) {
                response.getHeaders().put("Access-Control-Max-Age", 86400);
            }
            response.getHeaders().put(HttpHeader.ALLOW, Cors.ALLOW_METHODS);
            response.setStatus(204);
            Responses.end(response);
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    private void serve(Request request, Response response, boolean head) throws IOException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !head) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            throw new GatewayException(GatewayException.Kind.METHOD_NOT_ALLOWED,
                    "the gateway is read-only: " + method + " is not allowed, use GET or HEAD");
        }
        String decoded = request.getHttpURI().getDecodedPath();
        String host = Request.getServerName(request);
        // The path inside an origin-isolated root (a DNSLink Host), where _redirects applies; else null.
        String isolated = null;
        if (decoded != null && !decoded.startsWith("/ipfs/") && !decoded.startsWith("/ipns/") && host != null
                && names.servesHost(host)) {
            // dnslink-gateway: the Host names the content root, the path is inside it
            isolated = decoded;
            decoded = "/ipns/" + host + decoded;
        }
        boolean ipns = decoded != null && decoded.startsWith("/ipns/");
        if (decoded == null || !decoded.startsWith("/ipfs/") && !ipns) {
            throw GatewayException.notFound("not found: this gateway serves /ipfs/{cid}[/path] and /ipns/{name}[/path]");
        }
        if ("script".equalsIgnoreCase(request.getHeaders().get("Service-Worker"))) {
            // path-gateway: a service worker must not be registered over content
            throw GatewayException.badRequest("registering a service worker is not allowed on this gateway");
        }
        Fields q = query(request);
        Wanted wanted = Negotiation.negotiate(param(q, "format"), request.getHeaders().get(HttpHeader.ACCEPT),
                new Negotiation.CarQuery(param(q, "car-version"), param(q, "car-order"), param(q, "car-dups")),
                config.serveDeserialized());
        if (wanted.format() == Wanted.Format.IPNS_RECORD) {
            record(request, response, decoded, ipns, wanted, head);
            return;
        }
        String contentPath = decoded;
        String siteRoot = null;
        String cache = IMMUTABLE;
        if (ipns) {
            String rest = decoded.substring("/ipns/".length());
            int slash = rest.indexOf('/');
            NameResolver.Resolution r = names.resolve(slash < 0 ? rest : rest.substring(0, slash));
            siteRoot = r.path();
            contentPath = r.path() + (slash < 0 ? "" : rest.substring(slash));
            // path-gateway: mutable paths are cached for the record's remaining TTL, and not at all when it is unknown
            cache = r.ttl() == null ? null : "public, max-age=" + r.ttl().toSeconds();
        }
        ContentPath path = ContentPath.parse(contentPath);
        EntityBytes range = wanted.format() == Wanted.Format.CAR ? EntityBytes.parse(param(q, "entity-bytes")) : null;
        DagScope scope = DagScope.parse(param(q, "dag-scope"));
        if (range != null) {
            if (param(q, "dag-scope") != null && scope != DagScope.ENTITY) {
                throw GatewayException.badRequest("entity-bytes implies dag-scope=entity, but dag-scope=" + scope.label() + " was given");
            }
            scope = DagScope.ENTITY;
        }
        String download = param(q, "download");
        GatewayRequest g = new GatewayRequest(request, response, head, path, wanted, scope, range,
                blankToNull(param(q, "filename")), download != null && download.trim().equalsIgnoreCase("true"));

        var h = response.getHeaders();
        if (IMMUTABLE.equals(cache)) {
            h.put(IMMUTABLE_FIELD);
        } else if (cache != null) {
            h.put(HttpHeader.CACHE_CONTROL, cache);
        }
        h.put(X_IPFS_PATH, decoded);
        h.put(VARY_ACCEPT);
        h.put(NOSNIFF);
        if (wanted.fromAccept()) {
            h.put(HttpHeader.CONTENT_LOCATION, contentLocation(request, wanted));
        }
        String cacheControl = request.getHeaders().get(HttpHeader.CACHE_CONTROL);
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("only-if-cached")
                && !backend.has(path.root())) {
            throw new GatewayException(GatewayException.Kind.PRECONDITION_FAILED,
                    "block " + path.root() + " is not in the local store (only-if-cached)");
        }
        try {
            dispatch(g);
        } catch (GatewayException e) {
            // web-redirects-file: only for origin-isolated roots, only for paths the DAG does not have
            if (isolated == null || e.kind() != GatewayException.Kind.NOT_FOUND || response.isCommitted()
                    || !redirects.apply(g, siteRoot, isolated, request.getHttpURI().getQuery())) {
                throw e;
            }
        }
    }

    /** Serves {@code g} with the responder of its format. */
    void dispatch(GatewayRequest g) throws IOException {
        switch (g.wanted().format()) {
            case RAW -> raw.serve(g);
            case CAR -> car.serve(g);
            case TAR -> tar.serve(g);
            default -> deserialized.serve(g);
        }
    }

    /** {@code /ipns/{name}?format=ipns-record}: the verified record as stored, for the client to verify again. */
    private void record(Request request, Response response, String decoded, boolean ipns, Wanted wanted, boolean head)
            throws IOException {
        String name = ipns ? decoded.substring("/ipns/".length()) : "";
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!ipns || name.isEmpty() || name.contains("/")) {
            throw GatewayException.badRequest("an IPNS record is served for /ipns/{name} alone, without a path"
                    + (ipns ? "" : ", not for /ipfs/ content"));
        }
        byte[] bytes = names.record(name);
        Duration ttl = names.recordTtl(name);
        var h = response.getHeaders();
        if (ttl != null) {
            h.put(HttpHeader.CACHE_CONTROL, "public, max-age=" + ttl.toSeconds());
        }
        h.put(X_IPFS_PATH, decoded);
        h.put(VARY_ACCEPT);
        h.put(NOSNIFF);
        if (wanted.fromAccept()) {
            h.put(HttpHeader.CONTENT_LOCATION, contentLocation(request, wanted));
        }
        h.put(HttpHeader.ETAG, "\"" + CarResponder.shortHash(HexFormat.of().formatHex(bytes)) + ".ipns-record\"");
        h.put(HttpHeader.CONTENT_DISPOSITION, GatewayRequest.disposition("attachment", name + ".ipns-record"));
        Responses.send(response, 200, Negotiation.IPNS_RECORD, bytes, head);
    }

    /** Adds the CORS headers of this gateway's configuration to a response that has none yet. */
    void cors(HttpFields.Mutable h) {
        Cors.apply(cors, h);
    }

    /** The request's own URL with the format Accept chose spelled out as query parameters. */
    static String contentLocation(Request request, Wanted wanted) {
        StringBuilder b = new StringBuilder(request.getHttpURI().getPath());
        String query = request.getHttpURI().getQuery();
        b.append('?');
        if (query != null && !query.isEmpty()) {
            b.append(query).append('&');
        }
        b.append("format=").append(wanted.format().param);
        if (wanted.car() != null) {
            b.append("&car-version=1&car-order=").append(wanted.car().order())
                    .append("&car-dups=").append(wanted.car().dups() ? "y" : "n");
        }
        return b.toString();
    }

    static String roots(ResolvedPath rp) {
        StringJoiner j = new StringJoiner(",");
        for (Cid c : rp.roots()) {
            j.add(c.toString());
        }
        return j.toString();
    }

    private static String param(Fields q, String name) {
        Fields.Field f = q.get(name);
        return f == null ? null : f.getValue();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void fail(Response response, Callback callback, Throwable t, boolean head) {
        if (response.isCommitted()) {
            // The status is sent: all that is left is to end the stream unfinished, so the client
            // sees a truncated body (no final chunk), never a complete-looking one.
            callback.failed(t);
            return;
        }
        GatewayErrors.Problem p = GatewayErrors.of(t);
        try {
            var h = response.getHeaders();
            if (p.retryAfter() != null) {
                h.put(HttpHeader.RETRY_AFTER, Math.max(1, (p.retryAfter().toMillis() + 999) / 1000));
            }
            // Error responses must not carry the success headers set before the failure.
            for (HttpHeader hh : List.of(HttpHeader.CACHE_CONTROL, HttpHeader.ETAG, HttpHeader.CONTENT_DISPOSITION,
                    HttpHeader.CONTENT_LOCATION, HttpHeader.ACCEPT_RANGES, HttpHeader.CONTENT_TYPE)) {
                h.remove(hh);
            }
            h.remove("X-Ipfs-Roots");
            Responses.sendText(response, p.status(), p.message(), head);
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    /** The query parameters; a malformed query (bad percent-encoding, not UTF-8) is the client's error. */
    private static Fields query(Request request) {
        try {
            return Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            String raw = request.getHttpURI().getQuery();
            if (raw != null && raw.length() > 200) {
                raw = raw.substring(0, 200) + "...";
            }
            throw GatewayException.badRequest("invalid query string '" + raw
                    + "': percent-encoding must be % and two hex digits, and decode to UTF-8");
        }
    }
}
