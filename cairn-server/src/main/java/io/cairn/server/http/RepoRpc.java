package io.cairn.server.http;

import io.cairn.blockstore.Blockstore;
import io.cairn.pin.GarbageCollector;
import io.cairn.pin.CollectionBusyException;
import io.cairn.pin.GcException;
import io.cairn.pin.LeaseUnavailableException;
import io.cairn.server.ops.RepoStat;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** {@code repo/gc} and {@code repo/stat}, in Kubo's JSON shapes. */
final class RepoRpc {
    private final Blockstore store;
    private final GarbageCollector collector;
    private final LongSupplier storageMaxBytes;

    /** @param storageMaxBytes the disk limit in force, or 0 or less for none */
    RepoRpc(Blockstore store, GarbageCollector collector, LongSupplier storageMaxBytes) {
        this.store = store;
        this.collector = collector;
        this.storageMaxBytes = storageMaxBytes;
    }

    /**
     * {@code repo/gc[?quiet=true]}: one {@code {"Key":{"/":"cid"}}} line per removed block (CIDv1
     * raw, as the store names keys). The lines are sent after the collection, which holds the GC
     * lock, so a slow client cannot keep writers waiting.
     */
    void gc(Response response, Fields q) throws IOException {
        boolean quiet = Http.flag(q, "quiet", false);
        List<Map<String, Object>> lines = new ArrayList<>();
        try {
            collector.collect(cid -> {
                if (!quiet) {
                    lines.add(Map.of("Key", Map.of("/", cid.toString())));
                }
            });
        } catch (GcException e) {
            throw new HttpProblem(500, 0, e.getMessage());
        } catch (CollectionBusyException e) {
            // another node sharing the store is collecting: nothing was deleted here
            throw new HttpProblem(409, 0, e.getMessage());
        } catch (LeaseUnavailableException e) {
            throw new HttpProblem(503, 0, e.getMessage(), java.time.Duration.ofSeconds(5));
        }
        response.getHeaders().put("X-Chunked-Output", "1");
        RpcLines.send(response, lines);
    }

    /**
     * {@code repo/stat[?size-only=true]}:
     * {@code {"RepoSize":n,"StorageMax":n,"NumObjects":n,"RepoPath":"","Version":"…"}}. StorageMax is
     * Kubo's "no limit" (18446744073709551615) unless a limit is set. RepoPath stays empty: filesystem
     * paths are not shown to clients.
     */
    void stat(Response response, Fields q) throws IOException {
        boolean sizeOnly = Http.flag(q, "size-only", false);
        RepoStat s = RepoStat.of(store);
        long max = storageMaxBytes.getAsLong();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("RepoSize", s.repoSize());
        out.put("StorageMax", max > 0 ? BigInteger.valueOf(max) : new BigInteger(RepoStat.NO_LIMIT));
        if (!sizeOnly) {
            out.put("NumObjects", s.numObjects());
            out.put("RepoPath", "");
            out.put("Version", "cairn-flatfs@1");
        }
        Http.sendJson(response, 200, out);
    }
}
