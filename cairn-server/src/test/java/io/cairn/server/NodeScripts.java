package io.cairn.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
}
