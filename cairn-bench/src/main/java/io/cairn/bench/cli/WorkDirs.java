package io.cairn.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Clean-up of a harness's work folder: a flood leaves gigabytes of blocks behind. */
final class WorkDirs {
    private WorkDirs() {
    }

    /** Deletes {@code workDir/data}, keeping the logs beside it. */
    static void deleteData(Path workDir) throws IOException {
        Path data = workDir.resolve("data");
        if (!Files.exists(data)) {
            return;
        }
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
