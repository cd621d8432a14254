package io.cairn.server.gateway;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

import java.util.ArrayList;
import java.util.List;

/**
 * CORS for browser clients (Helia in a web page): the gateway is read-only and public by nature, so
 * every response allows the configured origin and exposes the headers a verifying client reads.
 */
final class Cors {
    static final String ALLOW_METHODS = "GET, HEAD, OPTIONS";
    static final String ALLOW_HEADERS = "Content-Type, Range, User-Agent, X-Requested-With, If-None-Match, Cache-Control";
    static final String EXPOSE_HEADERS = "Content-Length, Content-Range, Content-Type, Content-Disposition, "
            + "Content-Location, Etag, X-Ipfs-Path, X-Ipfs-Roots, X-Content-Type-Options, Accept-Ranges";

    private Cors() {
    }

    /** The CORS headers of every response under {@code config}, encoded once (none when CORS is off). */
    static HttpField[] fields(GatewayConfig config) {
        if (!config.cors()) {
            return new HttpField[0];
        }
        List<HttpField> f = new ArrayList<>(List.of(
                new PreEncodedHttpField("Access-Control-Allow-Origin", config.corsOrigin()),
                new PreEncodedHttpField("Access-Control-Allow-Methods", ALLOW_METHODS),
                new PreEncodedHttpField("Access-Control-Allow-Headers", ALLOW_HEADERS),
                new PreEncodedHttpField("Access-Control-Expose-Headers", EXPOSE_HEADERS)));
        if (!config.corsOrigin().equals("*")) {
            f.add(new PreEncodedHttpField("Vary", "Origin"));
        }
        return f.toArray(HttpField[]::new);
    }

    /** Adds {@code fields} (from {@link #fields}) to a response that has no CORS headers yet. */
    static void apply(HttpField[] fields, HttpFields.Mutable h) {
        for (HttpField f : fields) {
            h.add(f);
        }
    }
}
