package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.ipld.DagCbor;
import io.cairn.ipld.Links;
import io.cairn.memory.MemoryGovernor;
import io.cairn.server.ServerConfig;
import io.cairn.server.gateway.DagJsonValues;
import io.cairn.server.gateway.IpldCodecs;
import io.cairn.server.gateway.ResolvedPath;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v0/dag/get}, {@code dag/put} and {@code dag/stat} for dag-json, dag-cbor and dag-pb,
 * as Kubo answers them.
 */
final class DagCommands {
    private final Blockstore store;
    private final MemoryGovernor governor;
    private final ServerConfig config;

    DagCommands(Blockstore store, MemoryGovernor governor, ServerConfig config) {
        this.store = store;
        this.governor = governor;
        this.config = config;
    }

    /** {@code dag/get?arg=PATH[&output-codec=dag-json|dag-cbor]}: the node at the end of the path in that codec. */
    void get(Response response, Fields q) throws IOException {
        String arg = arg(q, "dag/get");
        String codec = lower(Http.param(q, "output-codec"), "dag-json");
        if (!codec.equals("dag-json") && !codec.equals("dag-cbor")) {
            throw HttpProblem.badRequest("output-codec must be dag-json or dag-cbor, got '" + codec + "'");
        }
        ResolvedPath rp = RpcPaths.resolve(store, arg);
        Block b = store.get(rp.terminal());
        byte[] body;
        long c = b.cid().codec();
        if (c == Multicodec.RAW) {
            // raw bytes in the data model are a bytes value
            body = codec.equals("dag-json") ? DagJsonValues.encode(b.bytes()) : DagCbor.encode(b.bytes());
        } else {
            body = IpldCodecs.render(b, codec);
        }
        if (body == null) {
            throw HttpProblem.badRequest(rp.terminal() + " is " + Multicodec.name(c).orElse("0x" + Long.toHexString(c))
                    + ", which dag/get cannot render as " + codec);
        }
        Http.send(response, 200, codec.equals("dag-json") ? "application/json" : "application/cbor", body, false);
    }

    /**
     * {@code dag/put[?store-codec=dag-cbor][&input-codec=dag-json][&hash=sha2-256]}: each multipart
     * part decoded as the input codec, encoded canonically in the store codec, stored; one
     * {@code {"Cid":{"/":"…"}}} line per part, sent after every part is stored.
     */
    void put(Request request, Response response, Fields q) throws IOException {
        String storeCodec = lower(Http.param(q, "store-codec"), "dag-cbor");
        String inputCodec = lower(Http.param(q, "input-codec"), "dag-json");
        String hash = lower(Http.param(q, "hash"), "sha2-256");
        for (String c : List.of(storeCodec, inputCodec)) {
            if (!c.equals("dag-json") && !c.equals("dag-cbor")) {
                throw HttpProblem.badRequest("dag/put codecs must be dag-json or dag-cbor, got '" + c + "'");
            }
        }
        HashFunction fn;
        try {
            fn = HashFunction.byName(hash);
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("unknown hash function '" + hash + "'");
        }
        String boundary = MultipartReader.boundaryOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (boundary == null) {
            throw HttpProblem.badRequest("expected a multipart/form-data body with a boundary, got Content-Type: "
                    + request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        }
        long bodyLimit = (long) config.maxBlockSize() * 2 + RpcHandler.MULTIPART_OVERHEAD;
        InputStream body = new BodyLimitInputStream(Content.Source.asInputStream(request), bodyLimit,
                config.readTimeout().toMillis(), "request body");
        MultipartReader parts = new MultipartReader(body, boundary);
        List<Map<String, Object>> lines = new ArrayList<>();
        try (ReservedBuffer memory = new ReservedBuffer(governor)) {
            MultipartReader.Part part;
            while ((part = parts.next()) != null) {
                byte[] input = memory.readPartOnHeap(part.body(), config.maxBlockSize());
                if (input == null) {
                    throw new HttpProblem(413, 1, "dag/put node is over this server's " + config.maxBlockSize()
                            + "-byte limit (max-block-size)");
                }
                Object value;
                try {
                    value = inputCodec.equals("dag-json") ? DagJsonValues.decode(input) : DagCbor.decode(input);
                } catch (IllegalArgumentException e) {
                    throw HttpProblem.badRequest("the node does not decode as " + inputCodec + ": " + e.getMessage());
                }
                byte[] encoded = storeCodec.equals("dag-json") ? DagJsonValues.encode(value) : DagCbor.encode(value);
                if (encoded.length > config.maxBlockSize()) {
                    throw new HttpProblem(413, 1, "encoded node is over max-block-size");
                }
                Cid cid = Cid.of(storeCodec.equals("dag-json") ? Multicodec.DAG_JSON : Multicodec.DAG_CBOR, fn, encoded);
                Block b = Block.of(cid, encoded);
                MemoryAwareBlockstore.writeReserved(memory.reservedBytes(), () -> store.put(b));
                memory.releasePart();
                lines.add(Map.of("Cid", Map.of("/", cid.toString())));
            }
        }
        if (lines.isEmpty()) {
            throw HttpProblem.badRequest("dag/put needs at least one part in the multipart body");
        }
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> l : lines) {
            out.append(Http.JSON.writeValueAsString(l)).append('\n');
        }
        Http.send(response, 200, "application/json", out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    }

    /**
     * {@code dag/stat?arg=PATH...}: per DAG the unique blocks and their total size, and the totals,
     * as Kubo's final answer ({@code progress} lines are not sent).
     */
    void stat(Response response, Fields q) throws IOException {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"root\" is required for dag/stat");
        }
        Set<Cid> all = new HashSet<>();
        long totalSize = 0;
        long redundant = 0;
        List<Object> stats = new ArrayList<>();
        for (String a : args) {
            ResolvedPath rp = RpcPaths.resolve(store, a);
            Set<Cid> seen = new HashSet<>();
            long size = 0;
            Deque<Iterator<Cid>> stack = new ArrayDeque<>();
            Block root = store.get(rp.terminal());
            seen.add(root.cid());
            size += root.size();
            stack.push(Links.of(root.cid(), root.bytes()).iterator());
            while (!stack.isEmpty()) {
                Iterator<Cid> it = stack.peek();
                if (!it.hasNext()) {
                    stack.pop();
                    continue;
                }
                Cid c = it.next();
                if (!seen.add(c)) {
                    continue;
                }
                Block b = store.get(c);
                size += b.size();
                if (Links.understands(c.codec())) {
                    stack.push(Links.of(b.cid(), b.bytes()).iterator());
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("Cid", Map.of("/", rp.terminal().toString()));
            s.put("Size", size);
            s.put("NumBlocks", seen.size());
            stats.add(s);
            redundant += size;
            for (Cid c : seen) {
                if (all.add(c)) {
                    totalSize += store.getSize(c);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("UniqueBlocks", all.size());
        out.put("TotalSize", totalSize);
        out.put("Ratio", totalSize == 0 ? 1.0 : (double) redundant / totalSize);
        out.put("DagStats", stats);
        Http.sendJson(response, 200, out);
    }

    private static String arg(Fields q, String command) {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"ref\" is required for " + command);
        }
        return args.getFirst();
    }

    private static String lower(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v.trim().toLowerCase(Locale.ROOT);
    }
}
