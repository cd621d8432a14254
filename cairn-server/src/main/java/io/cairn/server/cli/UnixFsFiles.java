package io.cairn.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files and directories {@code cairn add} sends, each with its path relative to the argument's parent. */
final class UnixFsFiles {
    private UnixFsFiles() {
    }

    /** One entry: a directory ({@code file} false) or a regular file, in parents-first order. */
    record Entry(String path, Path source, boolean directory) {
    }

    static List<Entry> of(List<Path> args) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path arg : args) {
            Path a = arg.toAbsolutePath().normalize();
            if (!Files.exists(a)) {
                throw new CliException(arg + ": no such file or directory");
            }
            Path base = a.getParent();
            if (Files.isDirectory(a)) {
                try (Stream<Path> s = Files.walk(a)) {
                    for (Path p : s.sorted().toList()) {
                        if (Files.isDirectory(p)) {
                            out.add(new Entry(rel(base, p), p, true));
                        } else if (Files.isRegularFile(p)) {
                            out.add(new Entry(rel(base, p), p, false));
                        }
                        // symlinks and special files are skipped
                    }
                }
            } else {
                out.add(new Entry(a.getFileName().toString(), a, false));
            }
        }
        return out;
    }

    static long totalBytes(List<Entry> entries) throws IOException {
        long n = 0;
        for (Entry e : entries) {
            if (!e.directory()) {
                n += Files.size(e.source());
            }
        }
        return n;
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }
}
