package io.cairn.server.gateway;

import io.cairn.server.ConfigException;

import java.util.Locale;

/**
 * The gateway's own settings, validated here.
 *
 * @param deserialized whether the gateway also serves deserialized responses (UnixFS files,
 *                     directory listings, dag-json/dag-cbor renderings) besides the trustless raw and
 *                     CAR ones. {@link Deserialized#AUTO}, the default, means on when the server binds a
 *                     loopback address and off otherwise: a public trustless gateway should not serve
 *                     web pages for others
 * @param corsOrigin   the {@code Access-Control-Allow-Origin} sent on every response and preflight
 *                     ({@code *} or one origin such as {@code https://example.org}); {@code none} (or
 *                     empty) turns CORS off
 */
public record GatewayConfig(Deserialized deserialized, String corsOrigin) {
    public enum Deserialized { AUTO, ON, OFF }

    public GatewayConfig {
        if (deserialized == null) {
            throw new ConfigException("gateway-deserialized: must be auto, true or false");
        }
        corsOrigin = corsOrigin == null ? "" : corsOrigin.trim();
        if (corsOrigin.equalsIgnoreCase("none") || corsOrigin.equalsIgnoreCase("off")) {
            corsOrigin = "";
        }
        if (!corsOrigin.isEmpty() && !corsOrigin.equals("*")
                && !corsOrigin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?")) {
            throw new ConfigException("gateway-cors-origin: '" + corsOrigin + "' is neither * nor an origin "
                    + "like https://example.org (none turns CORS off)");
        }
    }

    /** Deserialized responses on loopback only, CORS open to every origin. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(Deserialized.AUTO, "*");
    }

    /** A strict trustless gateway: raw blocks and CARs only. */
    public static GatewayConfig trustlessOnly() {
        return new GatewayConfig(Deserialized.OFF, "*");
    }

    /** Deserialized responses on wherever it binds, CORS open. */
    public static GatewayConfig withDeserialized() {
        return new GatewayConfig(Deserialized.ON, "*");
    }

    /** Parses {@code gateway-deserialized}: auto, true or false. */
    public static Deserialized parseDeserialized(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Deserialized.AUTO;
            case "true", "on", "yes" -> Deserialized.ON;
            case "false", "off", "no" -> Deserialized.OFF;
            default -> throw new IllegalArgumentException("'" + v + "' is not auto, true or false");
        };
    }

    /** AUTO settled by where the server binds. */
    public GatewayConfig resolvedFor(boolean loopback) {
        return deserialized != Deserialized.AUTO ? this
                : new GatewayConfig(loopback ? Deserialized.ON : Deserialized.OFF, corsOrigin);
    }

    /** Whether deserialized responses are served (AUTO, not yet settled, counts as off). */
    public boolean serveDeserialized() {
        return deserialized == Deserialized.ON;
    }

    public boolean cors() {
        return !corsOrigin.isEmpty();
    }
}
