package io.cairn.server.http;

import io.cairn.server.ipns.KeyStore;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code key/gen}, {@code key/list} and {@code key/rm}, in Kubo's JSON shapes; Ed25519 keys only. */
final class KeyRpc {
    private final KeyStore keys;

    KeyRpc(KeyStore keys) {
        this.keys = keys;
    }

    /** {@code key/gen?arg=NAME[&type=ed25519]} → {@code {"Name","Id"}}. */
    void gen(Response response, Fields q) throws IOException {
        String name = required(q);
        String type = Http.param(q, "type");
        if (type != null && !type.trim().toLowerCase(Locale.ROOT).equals("ed25519")) {
            throw HttpProblem.badRequest("key type '" + type + "' is not supported: only ed25519");
        }
        try {
            Http.sendJson(response, 200, json(keys.generate(name)));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** {@code key/list} → {@code {"Keys":[{"Name","Id"}…]}}, {@code self} first. */
    void list(Response response) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (KeyStore.Key k : keys.list()) {
            out.add(json(k));
        }
        Http.sendJson(response, 200, Map.of("Keys", out));
    }

    /** {@code key/rm?arg=NAME…} → {@code {"Keys":[{"Name","Id"}…]}} of the removed keys. */
    void rm(Response response, Fields q) throws IOException {
        List<String> names = Http.params(q, "arg");
        if (names.isEmpty()) {
            throw HttpProblem.badRequest("argument \"name\" is required");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (String n : names) {
                out.add(json(keys.remove(n).orElseThrow(() -> HttpProblem.badRequest("no key named " + n + " was found"))));
            }
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        Http.sendJson(response, 200, Map.of("Keys", out));
    }

    /** The key a {@code key} option names: a key name or its IPNS name ({@code self} when absent). */
    KeyStore.Key named(String nameOrId) throws IOException {
        String n = nameOrId == null || nameOrId.isBlank() ? KeyStore.SELF : nameOrId.trim();
        for (KeyStore.Key k : keys.list()) {
            if (k.name().equals(n) || k.id().toString().equals(n)) {
                return k;
            }
        }
        throw HttpProblem.badRequest("no key named " + n + " was found");
    }

    private static String required(Fields q) {
        String name = Http.param(q, "arg");
        if (name == null || name.isBlank()) {
            throw HttpProblem.badRequest("argument \"name\" is required");
        }
        return name.trim();
    }

    private static Map<String, Object> json(KeyStore.Key k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", k.name());
        m.put("Id", k.id().toString());
        return m;
    }
}
