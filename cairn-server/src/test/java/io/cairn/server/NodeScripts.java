package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the JavaScript client tests live and whether they can run: {@code src/test/js} holds the
 * scripts and the npm packages that .ci/setup-js installs there; {@code node} must be on the PATH.
 */
final class NodeScripts {
    static final Path JS = Path.of("src/test/js");

    private NodeScripts() {
    }

    /** True if the npm package {@code name} (e.g. {@code "@helia/http"}) is installed in {@link #JS}. */
    static boolean installed(String name) {
        return Files.isDirectory(JS.resolve("node_modules").resolve(name));
    }

    /** True if {@code node --version} runs and exits 0 within 20 seconds. */
    static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Runs {@code node script args…} in {@link #JS} with stdin closed, requires it to finish within
     * {@code seconds} and exit 0 (the assertion shows its stderr), and returns its last stdout line
     * parsed as JSON: the report every script here ends with.
     */
    static JsonNode runJson(int seconds, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(JS.toFile()).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as(script + " finished in time").isTrue();
        assertThat(p.exitValue()).as(script + " exit; stdout: " + out + "\nstderr: " + err).isZero();
        return TestHttp.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }
}
