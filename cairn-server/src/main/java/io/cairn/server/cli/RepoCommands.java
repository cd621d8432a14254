package io.cairn.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn gc} and {@code cairn repo stat}. */
final class RepoCommands {
    private RepoCommands() {
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = "Delete every block that no pin keeps; print 'removed CID' for each.")
    static final class Gc implements Callable<Integer> {
        @ParentCommand
        CairnCli cli;

        @Mixin
        ClientOptions client;

        @Option(names = {"-q", "--quiet"}, description = "Print only the count.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            try (Backend b = client.open(cli)) {
                List<String> removed = b.gc();
                if (!quiet) {
                    removed.forEach(c -> cli.out.println("removed " + c));
                }
                cli.err.println("cairn: removed " + removed.size() + " blocks");
                return 0;
            }
        }
    }

    @Command(name = "repo", mixinStandardHelpOptions = true, description = "Repository commands.",
            subcommands = {Stat.class, RepoVerifyCommand.class})
    static final class Repo implements Runnable {
        @ParentCommand
        CairnCli cli;

        @Override
        public void run() {
            CommandLine.usage(this, cli.out);
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "Blocks stored, their bytes, and the storage limit.")
    static final class Stat implements Callable<Integer> {
        @ParentCommand
        Repo repo;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (Backend b = client.open(repo.cli)) {
                Backend.RepoStats s = b.repoStat();
                repo.cli.out.println("NumObjects: " + s.numObjects());
                repo.cli.out.println("RepoSize:   " + s.repoSize());
                repo.cli.out.println("StorageMax: " + s.storageMax());
                return 0;
            }
        }
    }
}
