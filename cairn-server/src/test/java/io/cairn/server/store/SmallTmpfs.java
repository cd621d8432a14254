package io.cairn.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test so the file system really runs out of space (ENOSPC). Needs
 * root and permission to mount; elsewhere the test is reported skipped with the reason.
 */
final class SmallTmpfs implements AutoCloseable {
    final Path root;

    private SmallTmpfs(Path root) {
        this.root = root;
    }

    static SmallTmpfs mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cairn-enospc");
        String why = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString());
        if (why != null) {
            Files.deleteIfExists(dir);
            Assumptions.abort("cannot mount a small tmpfs to provoke ENOSPC here: " + why);
        }
        return new SmallTmpfs(dir);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish in 20 s";
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        return p.exitValue() == 0 ? null : "'" + String.join(" ", command) + "' exited " + p.exitValue() + ": " + out;
    }

    @Override
    public void close() throws Exception {
        if (run("umount", root.toString()) != null) {
            run("umount", "-l", root.toString());
        }
        Files.deleteIfExists(root);
    }
}
