package io.cairn.bench.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds folders of the repository (traces/, docs/results/) whether the launcher was started from
 * the repository root or elsewhere: first relative to the working directory, then upwards from
 * where this class was loaded (cairn-bench/target/classes).
 */
final class RepoPaths {
    private RepoPaths() {
    }

    static Path repoRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(cwd.resolve("cairn")) && Files.isDirectory(cwd.resolve("cairn-bench"))) {
            return cwd;
        }
        return fromCodeSource().orElse(cwd);
    }

    private static Optional<Path> fromCodeSource() {
        try {
            Path p = Path.of(RepoPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("cairn-bench")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                    return Optional.of(p);
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no usable code source (e.g. a custom class loader): fall back to the working directory
        }
        return Optional.empty();
    }
}
