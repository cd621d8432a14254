package io.cairn.bench.unixfs;

import io.cairn.bench.load.ChildServer;
import io.cairn.bench.load.GcLog;
import io.cairn.bench.load.ProcStats;
import io.cairn.blockstore.Block;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.blockstore.MemoryBlockstore;
import io.cairn.cid.Cid;
import io.cairn.server.gateway.BlockstoreBackend;
import io.cairn.server.gateway.ContentPath;
import io.cairn.unixfs.ImportParams;
import io.cairn.unixfs.UnixFsImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code cairn bench unixfs}: the UnixFS figures of docs/BENCHMARKS.md, each beside its anchor in
 * one run — import throughput against SHA-256 of the same bytes; blocks fetched per path segment;
 * and the memory of a child-JVM server (small heap) while a large file is added through
 * {@code /api/v0/add} and then exported as a CAR through the gateway.
 */
@Command(name = "unixfs", mixinStandardHelpOptions = true,
        description = {"UnixFS import throughput vs SHA-256, blocks per path segment, and a child server's memory",
                "during a large /api/v0/add and the CAR export of the result."})
public final class UnixFsCommand implements Callable<Integer> {
    @Option(names = "--throughput-mib", defaultValue = "1024", description = "Bytes hashed and imported (default ${DEFAULT-VALUE} MiB).")
    long throughputMib;

    @Option(names = "--add-mib", defaultValue = "2048", description = "Size of the file added to the child server (default ${DEFAULT-VALUE} MiB); 0 skips.")
    long addMib;

    @Option(names = "--heap", defaultValue = "128m", description = "Child server -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--cache-size", description = "The child server's --cache-size (default: the server's own default).")
    String cacheSize;

    @Option(names = "--work", description = "Work directory for the child server (default: a temporary one, deleted after).")
    Path work;

    @Override
    public Integer call() throws Exception {
        if (throughputMib > 0) {
            throughput();
        }
        pathSegments();
        if (addMib > 0) {
            return addAndExport();
        }
        return 0;
    }

    /** A stream of {@code total} pseudo-random bytes, 1 MiB at a time, never repeating, in constant memory. */
    static InputStream random(long total, long seed) {
        return new InputStream() {
            final SplittableRandom rnd = new SplittableRandom(seed);
            final byte[] buf = new byte[1 << 20];
            int pos = buf.length;
            long left = total;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                if (pos == buf.length) {
                    rnd.nextBytes(buf);
                    pos = 0;
                }
                int n = (int) Math.min(Math.min(len, buf.length - pos), left);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                left -= n;
                return n;
            }
        };
    }

    /**
     * SHA-256 of a 64 MiB buffer in 256 KiB slices (the anchor: no copy, no encoding) against importing
     * the same buffer as a stream, interleaved slice by slice so that the load of a shared machine
     * falls on all three alike; the first slice of each is warm-up and not counted.
     */
    private void throughput() throws Exception {
        byte[] buf = new byte[64 << 20];
        new SplittableRandom(1).nextBytes(buf);
        int slices = (int) Math.max(1, throughputMib / 64);
        System.out.printf("## import throughput over %d MiB (64 MiB slices, interleaved; blocks hashed and encoded, then discarded)%n",
                slices * 64L);
        long shaNanos = 0;
        long kuboNanos = 0;
        long v1Nanos = 0;
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i <= slices; i++) {
            long t0 = System.nanoTime();
            for (int off = 0; off < buf.length; off += 256 * 1024) {
                md.update(buf, off, 256 * 1024);
            }
            md.digest();
            long t1 = System.nanoTime();
            UnixFsImporter.file(new ByteArrayInputStream(buf), ImportParams.KUBO, b -> { }, n -> { });
            long t2 = System.nanoTime();
            UnixFsImporter.file(new ByteArrayInputStream(buf), ImportParams.UNIXFS_V1_2025, b -> { }, n -> { });
            long t3 = System.nanoTime();
            if (i > 0) {
                shaNanos += t1 - t0;
                kuboNanos += t2 - t1;
                v1Nanos += t3 - t2;
            }
        }
        long bytes = (long) slices * buf.length;
        double sha = mibPerSecond(bytes, shaNanos);
        double kubo = mibPerSecond(bytes, kuboNanos);
        double v1 = mibPerSecond(bytes, v1Nanos);
        System.out.printf("sha-256 alone %.0f MiB/s | import, Kubo defaults (256 KiB dag-pb leaves, CIDv0) %.0f MiB/s = %.2fx | "
                + "import, unixfs-v1-2025 (1 MiB raw leaves) %.0f MiB/s = %.2fx%n", sha, kubo, kubo / sha, v1, v1 / sha);
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }

    /** A chain of nested plain directories: how many blocks does resolving a path of each depth fetch? */
    private static void pathSegments() throws IOException {
        System.out.println("## blocks fetched per path segment (plain UnixFS directories, gateway path resolution)");
        MemoryBlockstore mem = new MemoryBlockstore();
        AtomicInteger gets = new AtomicInteger();
        ForwardingBlockstore counting = new ForwardingBlockstore(mem) {
            @Override
            public Block get(Cid cid) {
                gets.incrementAndGet();
                return super.get(cid);
            }
        };
        UnixFsImporter.Node leaf = UnixFsImporter.file(new ByteArrayInputStream("leaf".getBytes(StandardCharsets.UTF_8)),
                ImportParams.KUBO_V1, mem::put, n -> { });
        UnixFsImporter.Node at = leaf;
        List<String> names = new ArrayList<>();
        for (int depth = 0; depth < 32; depth++) {
            List<UnixFsImporter.Entry> entries = new ArrayList<>();
            entries.add(new UnixFsImporter.Entry("d" + depth, at));
            for (int i = 0; i < 50; i++) {
                entries.add(new UnixFsImporter.Entry("sibling-" + i, leaf));
            }
            at = UnixFsImporter.directory(entries, ImportParams.KUBO_V1, mem::put);
            names.addFirst("d" + depth);
        }
        BlockstoreBackend backend = new BlockstoreBackend(counting);
        for (int segments : new int[] {1, 4, 16, 32}) {
            gets.set(0);
            backend.resolve(ContentPath.parse("/ipfs/" + at.cid() + "/" + String.join("/", names.subList(0, segments))));
            System.out.printf("%2d segments: %2d blocks fetched = %.2f per segment%n", segments, gets.get(),
                    gets.get() / (double) segments);
        }
    }

    private int addAndExport() throws Exception {
        Path dir = work != null ? work : Files.createTempDirectory("cairn-bench-unixfs-");
        long bytes = addMib << 20;
        System.out.printf("## child server -Xmx%s%s: /api/v0/add of %d MiB (Kubo defaults), then GET ?format=car and ?format=tar%n",
                heap, cacheSize == null ? "" : " --cache-size " + cacheSize, addMib);
        int code = 0;
        // The upload guard's whole-body read-timeout (30 s by default) would cut a long add off.
        List<String> serverArgs = new ArrayList<>(List.of("--read-timeout", "1h"));
        if (cacheSize != null) {
            serverArgs.addAll(List.of("--cache-size", cacheSize));
        }
        try (ChildServer server = ChildServer.start(dir, heap, null, List.of("-XX:+UseG1GC"), serverArgs, Duration.ofSeconds(60))) {
            List<long[]> samples = new ArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                long t0 = System.nanoTime();
                while (running.get()) {
                    ProcStats s = ProcStats.of(server.pid());
                    synchronized (samples) {
                        samples.add(new long[] {(System.nanoTime() - t0) / 1_000_000, s.rssBytes()});
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String boundary = "----cairn-bench-add";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.apiUri().resolve("/api/v0/add?quiet=true"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .timeout(Duration.ofMinutes(30))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(java.util.Collections.enumeration(
                            List.of(new ByteArrayInputStream(head), random(bytes, 7), new ByteArrayInputStream(tail))))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long addNanos = System.nanoTime() - t0;
            long addEnd;
            synchronized (samples) {
                addEnd = samples.isEmpty() ? 0 : samples.getLast()[0];
            }
            String body = r.body().strip();
            String root = body.matches("(?s).*\"Hash\":\"[^\"]+\".*") ? body.replaceAll("(?s).*\"Hash\":\"([^\"]+)\".*", "$1") : "";
            if (root.isEmpty()) {
                System.out.println("add answered no root (see the server log " + server.log() + "): " + body);
                return 1;
            }
            System.out.printf("add: status %d in %.1f s (%.0f MiB/s over HTTP into flatfs), root %s%n", r.statusCode(),
                    addNanos / 1e9, mibPerSecond(bytes, addNanos), root);
            int addPauses = GcLog.read(server.gcLog()).size();
            int carStatus = export(http, server, root, "car", addPauses);
            int carPauses = GcLog.read(server.gcLog()).size();
            int tarStatus = export(http, server, root, "tar", carPauses);
            running.set(false);
            sampler.join();
            List<GcLog.Event> gc = GcLog.read(server.gcLog());
            long maxAfter = 0;
            long pauses = 0;
            for (GcLog.Event e : gc) {
                maxAfter = Math.max(maxAfter, e.heapAfterBytes());
                pauses += e.isPause() ? 1 : 0;
            }
            System.out.printf("heap after GC: max %d MiB over %d pauses; OutOfMemoryErrors: %d%n", maxAfter >> 20, pauses,
                    server.outOfMemoryErrors());
            System.out.println("RSS (MiB) every second; add ends at " + addEnd / 1000 + " s:");
            StringBuilder line = new StringBuilder();
            synchronized (samples) {
                for (long[] s : samples) {
                    line.append(s[1] >> 20).append(' ');
                }
            }
            System.out.println(line.toString().strip());
            if (r.statusCode() != 200 || carStatus != 200 || tarStatus != 200 || server.outOfMemoryErrors() > 0) {
                code = 1;
            }
        } finally {
            if (work == null) {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return code;
    }

    /**
     * Reads {@code GET /ipfs/{root}?format=FORMAT} to the end and prints its size, time and the heap
     * after each GC pause logged while it ran ({@code from}: the GC log events before it started).
     */
    private static int export(HttpClient http, ChildServer server, String root, String format, int from) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(server.gatewayUri().resolve("/ipfs/" + root + "?format=" + format))
                .timeout(Duration.ofMinutes(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream in = resp.body()) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                bytes += n;
            }
        }
        long nanos = System.nanoTime() - t0;
        List<GcLog.Event> gc = GcLog.read(server.gcLog());
        long min = Long.MAX_VALUE;
        long max = 0;
        int pauses = 0;
        StringBuilder series = new StringBuilder();
        for (GcLog.Event e : gc.subList(Math.min(from, gc.size()), gc.size())) {
            if (e.isPause() && e.heapAfterBytes() >= 0) {
                min = Math.min(min, e.heapAfterBytes());
                max = Math.max(max, e.heapAfterBytes());
                pauses++;
                series.append(e.heapAfterBytes() >> 20).append(' ');
            }
        }
        System.out.printf("export %s: status %d, %d MiB in %.1f s; heap after GC %d-%d MiB over %d pauses%n", format,
                resp.statusCode(), bytes >> 20, nanos / 1e9, pauses == 0 ? 0 : min >> 20, max >> 20, pauses);
        System.out.println("heap after each pause (MiB): " + series.toString().strip());
        return resp.statusCode();
    }
}
