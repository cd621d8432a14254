package io.cairn.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn serve} in a child JVM, so that its heap limit, GC log and process statistics are its
 * own and an OutOfMemoryError there cannot take the harness down. Output goes to a log file that
 * is scanned for OutOfMemoryError afterwards.
 */
public final class ChildServer implements AutoCloseable {
    /** Printed by the child JVM itself (-XX:OnOutOfMemoryError) the first time it throws an OOM. */
    static final String OOM_MARKER = "CAIRN-BENCH-OOM-HOOK";
    static final String MAIN_CLASS = "io.cairn.server.cli.CairnCli";

    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final Path dataDir;
    private final int gatewayPort;
    private final int apiPort;

    private ChildServer(Process process, Path log, Path gcLog, Path dataDir, int gatewayPort, int apiPort) {
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.dataDir = dataDir;
        this.gatewayPort = gatewayPort;
        this.apiPort = apiPort;
    }

    /**
     * Starts the server and waits (at most {@code startTimeout}) until {@code /health} answers 200.
     *
     * @param workDir   gets {@code data/}, {@code server.log} and {@code gc.log}
     * @param heap      the child's -Xmx, e.g. {@code 128m}
     * @param maxMemory the server's {@code --max-memory}, or null for its default
     * @param extraJvm  further JVM options (e.g. {@code -XX:+UseZGC})
     */
    public static ChildServer start(Path workDir, String heap, String maxMemory, List<String> extraJvm,
                                    Duration startTimeout) throws IOException, InterruptedException {
        return start(workDir, heap, maxMemory, extraJvm, List.of(), startTimeout);
    }

    /** As {@link #start(Path, String, String, List, Duration)}, with further {@code cairn serve} options. */
    public static ChildServer start(Path workDir, String heap, String maxMemory, List<String> extraJvm,
                                    List<String> serverArgs, Duration startTimeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path data = workDir.resolve("data");
        Path log = workDir.resolve("server.log");
        Path gcLog = workDir.resolve("gc.log");
        int gateway = freePort();
        int api = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        if (!heap.equals("default")) {
            cmd.add("-Xmx" + heap); // "default": no -Xmx, the JDK sizes the heap (from a container's limit)
        }
        cmd.add("-Xlog:gc:file=" + gcLog + ":uptime,level,tags");
        cmd.add("-XX:OnOutOfMemoryError=echo " + OOM_MARKER);
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        // What ./cairn would add for the user's options (a short ZUncommitDelay under ZGC).
        cmd.addAll(io.cairn.memory.JvmOptionDefaults.forOptions(extraJvm));
        cmd.addAll(extraJvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.add("serve");
        cmd.add("--data");
        cmd.add(data.toString());
        cmd.add("--gateway-port");
        cmd.add(Integer.toString(gateway));
        cmd.add("--api-port");
        cmd.add(Integer.toString(api));
        if (maxMemory != null) {
            cmd.add("--max-memory");
            cmd.add(maxMemory);
        }
        cmd.addAll(serverArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildServer server = new ChildServer(p, log, gcLog, data, gateway, api);
        server.awaitHealthy(startTimeout);
        return server;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + " before it was healthy; log "
                        + log + ":\n" + tail(40));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(apiUri().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("server not healthy within " + timeout.toSeconds() + " s; log " + log + ":\n" + tail(40));
    }

    public URI gatewayUri() {
        return URI.create("http://127.0.0.1:" + gatewayPort);
    }

    public URI apiUri() {
        return URI.create("http://127.0.0.1:" + apiPort);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The server's {@code --data} directory. */
    public Path dataDir() {
        return dataDir;
    }

    public Path gcLog() {
        return gcLog;
    }

    /** Lines of the server's log that report an OutOfMemoryError (the JVM's own hook included). */
    public long outOfMemoryErrors() {
        // ISO-8859-1 reads any byte, so a log cut mid-character by a dying process still scans
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("OutOfMemoryError") || l.contains(OOM_MARKER)).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** The last {@code n} lines of the server's log, for error messages. */
    public String tail(int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then a forced kill if it does not stop within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The exit code, once stopped. */
    public int exitValue() {
        return process.exitValue();
    }

    static String javaBinary() {
        String prop = System.getProperty("cairn.test.java");
        if (prop != null && !prop.isBlank()) {
            return prop;
        }
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
