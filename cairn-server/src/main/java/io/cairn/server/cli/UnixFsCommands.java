package io.cairn.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cairn add} and {@code cairn cat}: UnixFS files in and out, online or {@code --offline}. */
final class UnixFsCommands {
    private UnixFsCommands() {
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add files and directories as UnixFS (Kubo's CIDs by default); print each CID.",
                    "Progress goes to stderr."})
    static final class Add extends BlockCommands.Base {
        @Parameters(paramLabel = "FILE|DIR", arity = "1..*")
        List<Path> paths;

        @Option(names = "--cid-version", description = "0 (default, Kubo's) or 1 (raw leaves).")
        Integer cidVersion;

        @Option(names = "--raw-leaves", description = "Leaves as raw blocks.")
        Boolean rawLeaves;

        @Option(names = "--chunker", paramLabel = "size-N", description = "Fixed-size chunks of N bytes (default size-262144).")
        String chunker;

        @Option(names = "--profile", description = "unixfs-v1-2025 (1 MiB chunks, 1,024 links, raw leaves) or unixfs-v0-2015.")
        String profile;

        @Option(names = {"-w", "--wrap-with-directory"}, description = "Wrap everything in one directory.")
        boolean wrap;

        @Option(names = {"-n", "--only-hash"}, description = "Compute the CIDs, store nothing.")
        boolean onlyHash;

        @Option(names = {"-q", "--quiet"}, description = "Print only the CIDs.")
        boolean quiet;

        @Option(names = "--no-progress", description = "Do not report progress.")
        boolean noProgress;

        @Override
        int run(Backend b) throws Exception {
            Map<String, String> q = new LinkedHashMap<>();
            if (cidVersion != null) {
                q.put("cid-version", cidVersion.toString());
            }
            if (rawLeaves != null) {
                q.put("raw-leaves", rawLeaves.toString());
            }
            if (chunker != null) {
                q.put("chunker", chunker);
            }
            if (profile != null) {
                q.put("profile", profile);
            }
            if (wrap) {
                q.put("wrap-with-directory", "true");
            }
            if (onlyHash) {
                q.put("only-hash", "true");
            }
            long total = UnixFsFiles.totalBytes(UnixFsFiles.of(paths));
            AddProgress progress = noProgress ? null : new AddProgress(cli.err, total, cli.terminal);
            List<Backend.Added> added = b.add(paths, new Backend.AddOptions(q), progress == null ? n -> { } : progress::update);
            if (progress != null) {
                progress.finish();
            }
            for (Backend.Added a : added) {
                cli.out.println(quiet ? a.cid() : "added " + a.cid() + " " + a.path());
            }
            return 0;
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true,
            description = "Write the bytes of the UnixFS file at PATH (CID or CID/a/b) to stdout (or -o FILE).")
    static final class Cat extends BlockCommands.Base {
        @Parameters(paramLabel = "PATH")
        String path;

        @Option(names = "--offset", defaultValue = "0", description = "Start at this byte.")
        long offset;

        @Option(names = "--length", defaultValue = "-1", description = "At most this many bytes (-1: to the end).")
        long length;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.")
        Path output;

        @Override
        int run(Backend b) throws Exception {
            if (offset < 0 || length < -1) {
                throw new CliException("--offset must be >= 0 and --length >= -1");
            }
            OutputStream out = output == null ? cli.out : new BufferedOutputStream(Files.newOutputStream(output));
            try {
                b.cat(path.startsWith("/ipfs/") ? path.substring(6) : path, offset, length, out);
                out.flush();
            } finally {
                if (output != null) {
                    out.close();
                }
            }
            return 0;
        }
    }
}
