package io.cairn.server.http;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.blockstore.RepoVerifier;
import io.cairn.cid.Cid;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v0/repo/verify}: reads every stored block through the integrity layer (so from disk,
 * never from a cache) and streams Kubo's {@code {"Msg":…,"Progress":n}} lines: one per corrupt block
 * (quarantined on the way, so it now answers as missing), progress every {@value #PROGRESS_EVERY}
 * blocks, a summary, and Kubo's closing message, "verify complete, all blocks validated." or
 * "verify complete, some blocks were corrupt" (then also in the {@code X-Stream-Error} trailer, as
 * Kubo reports a failed streamed command).
 */
final class RepoVerifyHandler {
    static final int PROGRESS_EVERY = 256;

    private RepoVerifyHandler() {
    }

    static void handle(Blockstore store, Response response) throws IOException {
        RepoVerifier verifier = RepoVerifier.of(store);
        CachingBlockstore caching = cachingLayer(store);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Chunked-Output", "1");
        response.getHeaders().put(HttpHeader.TRAILER, "X-Stream-Error");
        HttpFields.Mutable trailers = HttpFields.build();
        response.setTrailersSupplier(() -> trailers);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            RepoVerifier.Report report;
            try {
                report = verifier.run(new RepoVerifier.Listener() {
                    @Override
                    public void corrupt(Cid cid) {
                        if (caching != null) {
                            caching.invalidate(cid);
                        }
                        line(out, "block " + cid + " was corrupt (moved to quarantine; it now answers as missing)", 0);
                    }

                    @Override
                    public void unverifiable(Cid cid, String why) {
                        line(out, "block " + cid + " could not be verified: " + why, 0);
                    }

                    @Override
                    public void progress(long checked) {
                        if (checked % PROGRESS_EVERY == 0) {
                            line(out, "", checked);
                        }
                    }
                });
            } catch (RuntimeException e) {
                trailers.put("X-Stream-Error", String.valueOf(e.getMessage()));
                return;
            }
            line(out, "checked " + report.checked() + " blocks: " + report.intact() + " intact, " + report.corrupt()
                    + " corrupt, " + report.unverifiable() + " unverifiable", report.checked());
            if (report.ok()) {
                line(out, "verify complete, all blocks validated.", 0);
            } else {
                String m = "verify complete, some blocks were corrupt";
                line(out, m, 0);
                trailers.put("X-Stream-Error", m);
            }
        }
    }

    private static void line(OutputStream out, String msg, long progress) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("Msg", msg);
        l.put("Progress", progress);
        try {
            out.write(Http.JSON.writeValueAsBytes(l));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CachingBlockstore cachingLayer(Blockstore store) {
        Blockstore s = store;
        while (s instanceof ForwardingBlockstore f) {
            if (f instanceof CachingBlockstore c) {
                return c;
            }
            s = f.delegate();
        }
        return null;
    }
}
