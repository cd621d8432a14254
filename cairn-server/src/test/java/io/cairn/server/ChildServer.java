package io.cairn.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn serve} in a child JVM with its own small heap, started through the real CLI entry
 * point, so memory pressure and signals hit a whole process rather than the test runner.
 */
final class ChildServer implements AutoCloseable {
    final Process process;
    final Path stderr;
    final List<String> stdout = new ArrayList<>();
    URI api;
    URI gateway;

    ChildServer(Path dataDir, List<String> jvmArgs, String... serveArgs) throws Exception {
        this(System.getProperty("cairn.test.java", ProcessHandle.current().info().command().orElse("java")),
                dataDir, jvmArgs, serveArgs);
    }

    /** With an explicit java launcher (a wrapper that moves the child into a cgroup first). */
    ChildServer(String java, Path dataDir, List<String> jvmArgs, String... serveArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cairn.server.cli.CairnCli", "serve",
                "--data", dataDir.toString(), "--gateway-port", "0", "--api-port", "0"));
        cmd.addAll(List.of(serveArgs));
        stderr = Files.createTempFile("cairn-child-stderr", ".txt");
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child went away; the caller sees that through the process
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (api == null && System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!process.isAlive()) {
                    break;
                }
                continue;
            }
            stdout.add(line);
            if (line.startsWith("gateway: ")) {
                gateway = URI.create(line.substring(9, line.indexOf("/ipfs/")));
            }
            if (line.startsWith("api: ")) {
                api = URI.create(line.substring(5, line.indexOf("/api/v0/")));
            }
        }
        if (api == null) {
            process.destroyForcibly();
            throw new IllegalStateException("child server did not start: " + stdout + "\n" + stderrText());
        }
    }

    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGTERM, then wait (bounded) for the exit code. */
    int terminate(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child server did not stop within " + timeoutSeconds + " s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(stderr);
    }
}
