package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.cid.Cid;
import io.cairn.ipld.Links;
import io.cairn.server.gateway.ResolvedPath;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v0/refs?arg=PATH...[&recursive][&unique][&max-depth=N]}: the links below each path,
 * depth-first in link order, one NDJSON {@code {"Ref","Err"}} line each, streamed. Without
 * {@code recursive} only the direct links; with {@code unique} each CID once (and not walked again).
 */
final class RefsCommand {
    private final Blockstore store;

    RefsCommand(Blockstore store) {
        this.store = store;
    }

    void run(Response response, Fields q) throws IOException {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"ipfs-path\" is required for refs");
        }
        boolean recursive = Http.flag(q, "recursive", false);
        boolean unique = Http.flag(q, "unique", false);
        int maxDepth = Http.intParam(q, "max-depth", recursive ? -1 : 1);
        if (Http.flag(q, "edges", false) || Http.param(q, "format") != null && !Http.param(q, "format").equals("<dst>")) {
            throw HttpProblem.badRequest("refs: only the default output (format=<dst>, no edges) is supported");
        }
        Block[] roots = new Block[args.size()];
        for (int i = 0; i < args.size(); i++) {
            ResolvedPath rp = RpcPaths.resolve(store, args.get(i));
            roots[i] = store.get(rp.terminal());
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Chunked-Output", "1");
        Set<Cid> seen = new HashSet<>();
        try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024)) {
            for (Block root : roots) {
                try {
                    walk(root, unique, maxDepth, seen, out);
                } catch (RuntimeException e) {
                    // Kubo reports a failure mid-walk as a line with Err set, then stops.
                    line(out, "", String.valueOf(e.getMessage()));
                    return;
                }
            }
        }
    }

    private void walk(Block root, boolean unique, int maxDepth, Set<Cid> seen, OutputStream out) throws IOException {
        Deque<Iterator<Cid>> stack = new ArrayDeque<>();
        stack.push(Links.of(root.cid(), root.bytes()).iterator());
        while (!stack.isEmpty()) {
            Iterator<Cid> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            Cid c = it.next();
            if (unique && !seen.add(c)) {
                continue;
            }
            line(out, c.toString(), "");
            if ((maxDepth < 0 || stack.size() < maxDepth) && Links.understands(c.codec())) {
                Block b = c.isIdentity() ? Block.of(c, c.multihash().digest()) : store.get(c);
                stack.push(Links.of(b.cid(), b.bytes()).iterator());
            }
        }
    }

    private static void line(OutputStream out, String ref, String err) throws IOException {
        out.write(Http.JSON.writeValueAsBytes(Map.of("Ref", ref, "Err", err)));
        out.write('\n');
    }
}
