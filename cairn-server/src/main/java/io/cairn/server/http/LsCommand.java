package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.cid.Cid;
import io.cairn.server.gateway.ResolvedPath;
import io.cairn.unixfs.PbNode;
import io.cairn.unixfs.UnixFs;
import io.cairn.unixfs.UnixFsData;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v0/ls?arg=PATH...}: the entries of UnixFS directories (HAMT-sharded ones too), one
 * NDJSON line {@code {"Objects":[{"Hash","Links":[{"Name","Hash","Size","Type","Target"}]}]}} per
 * argument, as Kubo answers. {@code Type} is the UnixFS type (1 directory, 2 file, 4 symlink); with
 * {@code resolve-type} and {@code size} (both default true) each entry's root block is read for them.
 */
final class LsCommand {
    private final Blockstore store;

    LsCommand(Blockstore store) {
        this.store = store;
    }

    void run(Response response, Fields q) throws IOException {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"ipfs-path\" is required for ls");
        }
        boolean resolveType = Http.flag(q, "resolve-type", true);
        boolean size = Http.flag(q, "size", true);
        List<Block> roots = new ArrayList<>();
        for (String a : args) {
            ResolvedPath rp = RpcPaths.resolve(store, a);
            roots.add(store.get(rp.terminal()));
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Chunked-Output", "1");
        try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024)) {
            for (int i = 0; i < args.size(); i++) {
                Block b = roots.get(i);
                List<Map<String, Object>> links = new ArrayList<>();
                UnixFs.Kind kind = UnixFs.kind(b);
                if (kind == UnixFs.Kind.DIRECTORY || kind == UnixFs.Kind.HAMT_DIRECTORY) {
                    UnixFs.list(store::get, b, shard -> { }, e -> links.add(link(e.name(), e.cid(), e.tsize(), resolveType, size)));
                }
                Map<String, Object> object = new LinkedHashMap<>();
                object.put("Hash", args.get(i));
                object.put("Links", links);
                out.write(Http.JSON.writeValueAsBytes(Map.of("Objects", List.of(object))));
                out.write('\n');
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Map<String, Object> link(String name, Cid cid, long tsize, boolean resolveType, boolean withSize) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("Name", name);
        l.put("Hash", cid.toString());
        long size = tsize < 0 ? 0 : tsize;
        int type = 2;
        String target = "";
        if (resolveType || withSize) {
            try {
                Block child = cid.isIdentity() ? Block.of(cid, cid.multihash().digest()) : store.get(cid);
                switch (UnixFs.kind(child)) {
                    case DIRECTORY, HAMT_DIRECTORY -> {
                        type = 1;
                        size = 0;
                    }
                    case FILE -> size = UnixFs.fileSize(child);
                    case SYMLINK -> {
                        type = 4;
                        target = new String(UnixFsData.of(PbNode.decode(child.bytes())).data(), StandardCharsets.UTF_8);
                        size = 0;
                    }
                    case OTHER -> type = 0;
                }
            } catch (BlockNotFoundException e) {
                // Not stored here: name and CID are all that can be said.
            }
        }
        l.put("Size", withSize ? size : 0);
        l.put("Type", type);
        l.put("Target", target);
        return l;
    }
}
