package io.cairn.server.gateway;

import org.eclipse.jetty.http.HttpFields;

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

    static void apply(GatewayConfig config, HttpFields.Mutable h) {
        if (!config.cors()) {
            return;
        }
        h.put("Access-Control-Allow-Origin", config.corsOrigin());
        h.put("Access-Control-Allow-Methods", ALLOW_METHODS);
        h.put("Access-Control-Allow-Headers", ALLOW_HEADERS);
        h.put("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        if (!config.corsOrigin().equals("*")) {
            h.add("Vary", "Origin");
        }
    }
}
