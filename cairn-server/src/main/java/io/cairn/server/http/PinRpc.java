package io.cairn.server.http;

import io.cairn.cid.Cid;
import io.cairn.pin.PinException;
import io.cairn.pin.PinType;
import io.cairn.pin.Pinner;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pin/add}, {@code pin/rm} and {@code pin/ls}, answered in Kubo's JSON shapes (the ones
 * kubo-rpc-client parses). Pins follow {@link Pinner}'s rules; a rule refusal is a 400 naming it.
 */
final class PinRpc {
    private final Pinner pinner;

    PinRpc(Pinner pinner) {
        this.pinner = pinner;
    }

    /** {@code pin/add?arg=…[&recursive=false]}: {@code {"Pins":["cid",…]}}. */
    void add(Response response, Fields q) throws IOException {
        List<Cid> cids = RpcLines.cidArgs(q, "pin/add", true);
        boolean recursive = Http.flag(q, "recursive", true);
        List<String> pinned = new ArrayList<>();
        for (Cid cid : cids) {
            try {
                pinned.add(pinner.pin(cid, recursive).toString());
            } catch (PinException e) {
                throw HttpProblem.badRequest("pin: " + e.getMessage());
            }
        }
        Http.sendJson(response, 200, Map.of("Pins", pinned));
    }

    /** {@code pin/rm?arg=…[&recursive=false]}: {@code {"Pins":["cid",…]}}. */
    void rm(Response response, Fields q) throws IOException {
        List<Cid> cids = RpcLines.cidArgs(q, "pin/rm", true);
        boolean recursive = Http.flag(q, "recursive", true);
        List<String> removed = new ArrayList<>();
        for (Cid cid : cids) {
            try {
                removed.add(pinner.unpin(cid, recursive).toString());
            } catch (PinException e) {
                throw HttpProblem.badRequest(cid + ": " + e.getMessage());
            }
        }
        Http.sendJson(response, 200, Map.of("Pins", removed));
    }

    /**
     * {@code pin/ls[?type=all|recursive|direct|indirect][&arg=…][&stream=true][&quiet=true]}:
     * {@code {"Keys":{"cid":{"Type":"recursive","Name":""},…}}}, or with {@code stream} one
     * {@code {"Cid":"…","Type":"…","Name":""}} line per pin. With {@code arg} only those CIDs are
     * looked up, an indirect one answering {@code "indirect through <root>"}, one not pinned a 400.
     */
    void ls(Response response, Fields q) throws IOException {
        PinType type = type(Http.param(q, "type"));
        boolean stream = Http.flag(q, "stream", false);
        boolean quiet = Http.flag(q, "quiet", false);
        List<Cid> args = RpcLines.cidArgs(q, "pin/ls", false);
        List<String[]> found = new ArrayList<>(); // {cid, type}
        if (args.isEmpty()) {
            for (Pinner.Pin p : pinner.list(type)) {
                found.add(new String[] {p.cid().toString(), p.type().kuboName()});
            }
        } else {
            for (Cid cid : args) {
                Optional<Pinner.Pin> p = pinner.find(cid, type);
                if (p.isEmpty()) {
                    throw HttpProblem.badRequest("path '" + cid + "' is not pinned"
                            + (type == null ? "" : " (as " + type.kuboName() + ")"));
                }
                found.add(new String[] {cid.toString(), p.get().kuboType()});
            }
        }
        if (stream) {
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String[] f : found) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("Cid", f[0]);
                line.put("Type", quiet ? "" : f[1]);
                line.put("Name", "");
                lines.add(line);
            }
            response.getHeaders().put("X-Chunked-Output", "1");
            RpcLines.send(response, lines);
            return;
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        for (String[] f : found) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("Type", quiet ? "" : f[1]);
            v.put("Name", "");
            keys.put(f[0], v);
        }
        Http.sendJson(response, 200, Map.of("Keys", keys));
    }

    /**
     * Why {@code block/rm} must not remove {@code cid}, in Kubo's words ({@code pinned: recursive},
     * {@code pinned: direct}, {@code pinned via <root>}), or null when it is not pinned.
     */
    static String pinnedReason(Pinner pinner, Cid cid) {
        return pinner.find(cid, null)
                .map(p -> p.via() == null ? "pinned: " + p.type().kuboName() : "pinned via " + p.via())
                .orElse(null);
    }

    /** null for all. */
    private static PinType type(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return PinType.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("invalid type '" + value + "', must be one of {direct, indirect, recursive, all}");
        }
    }
}
