package io.cairn.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** put, get, stat, rm, import and export: thin shells over a {@link Backend}. */
final class BlockCommands {
    private BlockCommands() {
    }

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        CairnCli cli;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (Backend b = client.open(cli)) {
                return run(b);
            }
        }

        abstract int run(Backend b) throws Exception;
    }

    /** A command that writes what it reads for block CID to stdout or, with {@code -o FILE}, to FILE. */
    abstract static class CidToOutput extends Base {
        @Parameters(paramLabel = "CID")
        String cid;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.")
        Path output;

        @Override
        final int run(Backend b) throws Exception {
            OutputStream out = output == null ? cli.out : new BufferedOutputStream(Files.newOutputStream(output));
            try {
                write(b, out);
            } finally {
                if (output != null) {
                    out.close();
                }
            }
            return 0;
        }

        abstract void write(Backend b, OutputStream out) throws Exception;
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Store each FILE as one block; print its CID.")
    static final class Put extends Base {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to store, each as one block.")
        List<Path> files;

        @Option(names = "--cid-codec", defaultValue = "raw", description = "Codec of the CIDs (default: ${DEFAULT-VALUE}).")
        String cidCodec;

        @Option(names = "--mhtype", defaultValue = "sha2-256", description = "Hash function (default: ${DEFAULT-VALUE}).")
        String mhtype;

        @Option(names = "--mhlen", defaultValue = "-1", description = "Digest length in bytes, -1 for full.")
        int mhlen;

        @Option(names = "--format", description = "Deprecated Kubo option: v0, protobuf or cbor.")
        String format;

        @Option(names = "--allow-big-block", description = "Allow blocks over 2 MiB (up to the server's max-block-size).")
        boolean allowBigBlock;

        @Override
        int run(Backend b) throws Exception {
            Backend.PutOptions o = new Backend.PutOptions(format == null ? cidCodec : null, mhtype, mhlen, format, allowBigBlock);
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new CliException(f + ": no such file");
                }
                cli.out.println(b.put(f, o).cid());
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Write the bytes of block CID to stdout (or -o FILE).")
    static final class Get extends CidToOutput {
        @Override
        void write(Backend b, OutputStream out) throws Exception {
            b.get(cid, out);
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "Print the CID and size of block CID.")
    static final class Stat extends Base {
        @Parameters(paramLabel = "CID")
        String cid;

        @Override
        int run(Backend b) throws Exception {
            Backend.Stored s = b.stat(cid);
            cli.out.println("Key: " + s.cid());
            cli.out.println("Size: " + s.size());
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove blocks.")
    static final class Rm extends Base {
        @Parameters(paramLabel = "CID", arity = "1..*")
        List<String> cids;

        @Option(names = {"-f", "--force"}, description = "Ignore blocks that are not there.")
        boolean force;

        @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
        boolean quiet;

        @Override
        int run(Backend b) throws Exception {
            int failures = 0;
            for (Backend.Removed r : b.rm(cids, force)) {
                if (r.error() != null) {
                    failures++;
                    cli.err.println("cairn: cannot remove " + r.cid() + ": " + r.error());
                } else if (!quiet) {
                    cli.out.println("removed " + r.cid());
                }
            }
            if (failures > 0) {
                throw new CliException(failures + " of " + cids.size() + " blocks not removed");
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import the blocks of a CAR file (v1 or v2); print its roots.")
    static final class Import extends Base {
        @Parameters(paramLabel = "FILE.car")
        Path car;

        @Option(names = "--no-progress", description = "Do not report progress.")
        boolean noProgress;

        @Option(names = "--pin-roots", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Pin the CAR's roots recursively, as Kubo does (default: true; --no-pin-roots to skip).")
        boolean pinRoots;

        @Override
        int run(Backend b) throws Exception {
            if (!Files.isRegularFile(car)) {
                throw new CliException(car + ": no such file");
            }
            ImportProgress progress = noProgress ? null : new ImportProgress(cli.err, Files.size(car), cli.terminal);
            Backend.Imported r = b.importCar(car, progress, pinRoots);
            if (progress != null) {
                progress.finish(r.blocks(), r.bytes());
            }
            for (String root : r.roots()) {
                cli.out.println("root " + root);
            }
            cli.out.println("imported " + r.blocks() + " blocks, " + r.bytes() + " bytes");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a CARv1 of the DAG under CID (the blocks present locally) to stdout (or -o FILE).")
    static final class Export extends CidToOutput {
        @Override
        void write(Backend b, OutputStream out) throws Exception {
            b.export(cid, out);
            out.flush();
        }
    }
}
