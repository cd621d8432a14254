package io.cairn.blockstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A tmpfs of a few hundred KiB mounted for one test, so that the file system really runs out of
 * space ({@code ENOSPC}). Needs root and permission to mount (a privileged container or a VM);
 * elsewhere the test is reported skipped with the reason. Shared with cairn-server's disk-limit tests
 * through this module's test-jar.
 */
public final class SmallFileSystem implements AutoCloseable {
    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    public static SmallFileSystem mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cairn-enospc");
        String why = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString());
        if (why != null) {
            Files.deleteIfExists(dir);
            Assumptions.abort("cannot mount a small tmpfs to provoke ENOSPC here: " + why);
        }
        return new SmallFileSystem(dir);
    }

    public Path root() {
        return mountPoint;
    }

    /** Null on success, otherwise why not. */
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
        String why = run("umount", mountPoint.toString());
        if (why != null) {
            run("umount", "-l", mountPoint.toString());
        }
        Files.deleteIfExists(mountPoint);
    }
}
