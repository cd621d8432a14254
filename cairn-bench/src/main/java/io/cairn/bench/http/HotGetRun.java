package io.cairn.bench.http;

import io.cairn.blockstore.Block;
import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hot raw-block GETs against a gateway in this JVM, driven by {@code wrk} in its own process, and
 * what each request costs the server: heap bytes allocated (all threads, from
 * {@code com.sun.management.ThreadMXBean}, virtual threads counted on their carriers) and process CPU
 * time (all threads: request handling, selectors, JIT and GC), divided by the requests wrk completed.
 * Those two are counts, so they mean something on a loaded machine where requests per second do not.
 * The same JVM's idle rate over an equal time is reported alongside, to show the floor.
 */
public final class HotGetRun {

    /** One measured size: requests, wall rate, and per-request costs net of the idle rate. */
    public record Row(int size, long requests, double seconds, double heapBytesPerRequest, double cpuMicrosPerRequest,
                      long gcCount, int non2xx) {
        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    /**
     * @param sizes       block sizes to measure, each its own random block
     * @param seconds     measured wrk run per size (after a warm-up of {@code warmupSeconds})
     * @param connections wrk connections
     * @param threads     wrk threads
     */
    public record Config(List<Integer> sizes, int seconds, int warmupSeconds, int connections, int threads,
                         Path dataDir, String maxMemory) {
    }

    private final Config config;
    private final PrintStream log;

    public HotGetRun(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    public List<Row> run() throws Exception {
        ServerConfig sc = ServerConfig.builder(config.dataDir()).build().withPorts(0, 0);
        if (config.maxMemory() != null) {
            sc = sc.withMaxMemory(io.cairn.server.config.Values.parseSize(config.maxMemory()));
        }
        List<Row> rows = new ArrayList<>();
        try (CairnServer server = CairnServer.start(sc)) {
            URI gw = server.gatewayUri();
            HttpClient http = HttpClient.newHttpClient();
            Random rnd = new Random(42);
            for (int size : config.sizes()) {
                byte[] data = new byte[size];
                rnd.nextBytes(data);
                Block b = Block.raw(data);
                server.blockstore().put(b);
                URI url = gw.resolve("/ipfs/" + b.cid() + "?format=raw");
                HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (first.statusCode() != 200 || !Arrays.equals(first.body(), data)) {
                    throw new IllegalStateException("the gateway did not serve the block's bytes: " + first.statusCode());
                }
                wrk(url, config.warmupSeconds());
                Counters before = Counters.now();
                long t0 = System.nanoTime();
                WrkResult w = wrk(url, config.seconds());
                double secs = (System.nanoTime() - t0) / 1e9;
                Counters after = Counters.now();
                // the floor: the same JVM, idle, for as long
                Thread.sleep((long) (secs * 1000));
                Counters idle = Counters.now();
                double idleHeap = idle.heap - after.heap;
                double idleCpu = idle.cpuNanos - after.cpuNanos;
                double heapPer = (after.heap - before.heap - idleHeap) / Math.max(1, w.requests);
                double cpuPer = (after.cpuNanos - before.cpuNanos - idleCpu) / 1e3 / Math.max(1, w.requests);
                rows.add(new Row(size, w.requests, secs, heapPer, cpuPer, after.gcCount - before.gcCount, w.non2xx));
                log.printf("%8d B: %,d requests in %.1f s (%.0f req/s, loaded), %.0f heap B/request, %.1f CPU us/request"
                                + " (idle floor over the same time: %.0f B, %.1f ms CPU), %d GCs, %d non-2xx%n",
                        size, w.requests, secs, w.requests / secs, heapPer, cpuPer, idleHeap, idleCpu / 1e6,
                        after.gcCount - before.gcCount, w.non2xx);
            }
        }
        return rows;
    }

    private record Counters(long heap, long cpuNanos, long gcCount) {
        static Counters now() {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long gcs = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcs += Math.max(0, gc.getCollectionCount());
            }
            return new Counters(threads.getTotalThreadAllocatedBytes(), os.getProcessCpuTime(), gcs);
        }
    }

    record WrkResult(long requests, int non2xx) {
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private WrkResult wrk(URI url, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t" + config.threads(), "-c" + config.connections(), "-d" + seconds + "s",
                url.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        return parse(out);
    }

    static WrkResult parse(String wrkOutput) {
        Matcher m = REQUESTS.matcher(wrkOutput);
        if (!m.find()) {
            throw new IllegalArgumentException("no request count in wrk's output: " + wrkOutput);
        }
        Matcher n = NON_2XX.matcher(wrkOutput);
        return new WrkResult(Long.parseLong(m.group(1)), n.find() ? Integer.parseInt(n.group(1)) : 0);
    }
}
