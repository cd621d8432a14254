package io.cairn.server.http;

import io.cairn.ipns.InvalidIpnsRecordException;
import io.cairn.ipns.IpnsName;
import io.cairn.ipns.IpnsRecord;
import io.cairn.server.gateway.ContentPath;
import io.cairn.server.ipns.Ipns;
import io.cairn.server.ipns.KeyStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code name/publish}, {@code name/resolve}, and {@code routing/put} / {@code routing/get} for IPNS
 * records, in Kubo's shapes. Everything stays on this node: a record is published to (and got from)
 * the local record store, which the gateway's {@code /ipns/} reads.
 */
final class NameRpc {
    /** Kubo's defaults for name/publish. */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(48);
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** {@code routing.QueryEventType}: Value (5) carries a record, as Kubo streams it. */
    static final int EVENT_VALUE = 5;

    private final Ipns ipns;
    private final KeyRpc keys;

    NameRpc(Ipns ipns, KeyRpc keys) {
        this.ipns = ipns;
        this.keys = keys;
    }

    /** {@code name/publish?arg=PATH[&key=NAME][&lifetime=48h][&ttl=1h]} → {@code {"Name","Value"}}. */
    void publish(Response response, Fields q) throws IOException {
        String value = Http.param(q, "arg");
        if (value == null || value.isBlank()) {
            throw HttpProblem.badRequest("argument \"ipfs-path\" is required");
        }
        value = value.trim();
        if (!value.startsWith("/")) {
            value = "/ipfs/" + value;
        }
        if (value.startsWith("/ipfs/")) {
            ContentPath.parse(value); // the CID must parse (a bad one is a 400 naming it)
        } else if (value.startsWith("/ipns/")) {
            String rest = value.substring(6);
            name(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
        } else {
            throw HttpProblem.badRequest("'" + value + "' is neither an /ipfs/ nor an /ipns/ path");
        }
        Duration lifetime = duration(q, "lifetime", DEFAULT_LIFETIME);
        Duration ttl = duration(q, "ttl", DEFAULT_TTL);
        KeyStore.Key key = keys.named(Http.param(q, "key"));
        IpnsRecord r = ipns.publish(key, value, lifetime, ttl);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Name", key.id().toString());
        out.put("Value", r.value());
        Http.sendJson(response, 200, out);
    }

    /** {@code name/resolve[?arg=NAME][&recursive=true]} → {@code {"Path":"/ipfs/…"}}. */
    void resolve(Response response, Fields q) throws IOException {
        String arg = Http.param(q, "arg");
        String name = arg == null || arg.isBlank() ? keys.named(null).id().toString() : arg.trim();
        try {
            String path = ipns.resolvePath(name, Http.flag(q, "recursive", true));
            Http.sendJson(response, 200, Map.of("Path", path));
        } catch (InvalidIpnsRecordException e) {
            throw new HttpProblem(e.getMessage().startsWith("no IPNS record") ? 404 : 400, 0,
                    "could not resolve name: " + e.getMessage());
        }
    }

    /** {@code routing/put?arg=/ipns/NAME} with the record as the first multipart part: verified, then stored. */
    void put(Request request, Response response, Fields q) throws IOException {
        IpnsName name = routingKey(q);
        String boundary = MultipartReader.boundaryOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (boundary == null) {
            throw HttpProblem.badRequest("expected a multipart/form-data body with the record, got Content-Type: "
                    + request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        }
        InputStream body = new BodyLimitInputStream(Content.Source.asInputStream(request),
                IpnsRecord.MAX_SIZE + RpcHandler.MULTIPART_OVERHEAD, 30_000, "request body");
        MultipartReader.Part part = new MultipartReader(body, boundary).next();
        if (part == null) {
            throw HttpProblem.badRequest("routing/put needs the record as a multipart part");
        }
        byte[] record = part.body().readNBytes(IpnsRecord.MAX_SIZE + 1);
        try {
            ipns.records().put(name, record);
        } catch (InvalidIpnsRecordException e) {
            throw HttpProblem.badRequest("invalid IPNS record for " + name + ": " + e.getMessage());
        } catch (IllegalStateException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        response.getHeaders().put("X-Chunked-Output", "1");
        RpcLines.send(response, List.of(event(name, "")));
    }

    /** {@code routing/get?arg=/ipns/NAME} → one Value event whose {@code Extra} is the record, base64. */
    void get(Response response, Fields q) throws IOException {
        IpnsName name = routingKey(q);
        IpnsRecord r;
        try {
            r = ipns.records().get(name).orElseThrow(() -> new HttpProblem(404, 0, "routing: not found: no IPNS record for " + name));
        } catch (InvalidIpnsRecordException e) {
            throw new HttpProblem(404, 0, "routing: the stored record for " + name + " is no longer valid: " + e.getMessage());
        }
        response.getHeaders().put("X-Chunked-Output", "1");
        RpcLines.send(response, List.of(event(name, Base64.getEncoder().encodeToString(r.bytes()))));
    }

    private static Map<String, Object> event(IpnsName name, String extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Extra", extra);
        m.put("ID", "");
        m.put("Responses", null);
        m.put("Type", EVENT_VALUE);
        return m;
    }

    private static IpnsName routingKey(Fields q) {
        String arg = Http.param(q, "arg");
        if (arg == null || !arg.startsWith("/ipns/")) {
            throw HttpProblem.badRequest("the routing key must be /ipns/{name}; only IPNS records are kept here");
        }
        return name(arg.substring(6));
    }

    private static IpnsName name(String text) {
        try {
            return IpnsName.parse(text);
        } catch (InvalidIpnsRecordException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** A Go duration as Kubo's options take them: {@code 48h}, {@code 1h30m}, {@code 90s}, {@code 500ms}. */
    static Duration duration(Fields q, String option, Duration dflt) {
        String v = Http.param(q, option);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(v.trim());
        double nanos = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            at = m.end();
        }
        if (at == 0 || at != v.trim().length() || nanos <= 0 || nanos > Duration.ofDays(365 * 100).toNanos()) {
            throw HttpProblem.badRequest(option + " '" + v + "' is not a positive duration like 48h, 1h30m or 90s");
        }
        return Duration.ofNanos((long) nanos);
    }
}
