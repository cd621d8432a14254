package io.cairn.server.http;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.server.gateway.ResolvedPath;
import io.cairn.unixfs.FileVisitor;
import io.cairn.unixfs.UnixFs;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * {@code /api/v0/cat?arg=PATH[&offset=N][&length=N]}: the bytes of a UnixFS file, streamed block by
 * block (memory is one block per DAG level, whatever the file's size).
 */
final class CatCommand {
    private final Blockstore store;

    CatCommand(Blockstore store) {
        this.store = store;
    }

    void run(Response response, Fields q) throws IOException {
        List<String> args = Http.params(q, "arg");
        if (args.isEmpty() || args.getFirst().isBlank()) {
            throw HttpProblem.badRequest("argument \"ipfs-path\" is required for cat");
        }
        long offset = longParam(q, "offset", 0);
        long length = longParam(q, "length", -1);
        if (offset < 0) {
            throw HttpProblem.badRequest("cannot specify negative offset (offset=" + offset + ")");
        }
        if (length < -1) {
            throw HttpProblem.badRequest("cannot specify negative length (length=" + length + ")");
        }
        // Every file is checked before the first byte goes out, so a bad path is still a clean error.
        Block[] files = new Block[args.size()];
        long[] sizes = new long[args.size()];
        for (int i = 0; i < args.size(); i++) {
            ResolvedPath rp = RpcPaths.resolve(store, args.get(i));
            Block b = store.get(rp.terminal());
            UnixFs.Kind kind = UnixFs.kind(b);
            if (kind != UnixFs.Kind.FILE) {
                throw HttpProblem.badRequest(args.get(i) + " is a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', ' ') + ", not a file: cat reads files");
            }
            files[i] = b;
            sizes[i] = UnixFs.fileSize(b);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put("X-Stream-Output", "1");
        response.getHeaders().put(HttpHeader.TRAILER, "X-Stream-Error");
        HttpFields.Mutable trailers = HttpFields.build();
        response.setTrailersSupplier(() -> trailers);
        long skip = offset;
        long left = length < 0 ? Long.MAX_VALUE : length;
        try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024)) {
            try {
                // offset and length apply to the concatenation of all the files, as in Kubo
                for (int i = 0; i < files.length && left > 0; i++) {
                    if (skip >= sizes[i]) {
                        skip -= sizes[i];
                        continue;
                    }
                    long to = left == Long.MAX_VALUE ? sizes[i] - 1 : Math.min(sizes[i] - 1, skip + left - 1);
                    UnixFs.readRange(store::get, files[i], skip, to, new FileVisitor() {
                        @Override
                        public void bytes(byte[] data, int off, int len) throws IOException {
                            out.write(data, off, len);
                        }
                    });
                    left -= to - skip + 1;
                    skip = 0;
                }
            } catch (RuntimeException e) {
                // The 200 is sent; Kubo's convention reports a mid-stream failure in this trailer.
                trailers.put("X-Stream-Error", String.valueOf(e.getMessage()));
            }
        }
    }

    static long longParam(Fields q, String name, long dflt) {
        String v = Http.param(q, name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("option '" + name + "' must be a whole number, got '" + v + "'");
        }
    }
}
