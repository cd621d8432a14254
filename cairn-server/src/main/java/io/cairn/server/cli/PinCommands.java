package io.cairn.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn pin add|rm|ls}: Kubo's pin commands, online or {@code --offline}. */
@Command(name = "pin", mixinStandardHelpOptions = true, description = "Pin blocks so garbage collection keeps them.",
        subcommands = {PinCommands.Add.class, PinCommands.Rm.class, PinCommands.Ls.class})
final class PinCommands implements Runnable {
    @ParentCommand
    CairnCli cli;

    @Override
    public void run() {
        CommandLine.usage(this, cli.out);
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        PinCommands pin;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (Backend b = client.open(pin.cli)) {
                return run(b, pin.cli);
            }
        }

        abstract int run(Backend b, CairnCli cli) throws Exception;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Pin each CID and, unless --recursive=false, everything it links to (all of it must be stored).")
    static final class Add extends Sub {
        @Parameters(paramLabel = "CID", arity = "1..*")
        List<String> cids;

        @Option(names = {"-r", "--recursive"}, arity = "1", defaultValue = "true",
                description = "Pin the whole DAG (default: ${DEFAULT-VALUE}); false pins the block alone.")
        boolean recursive;

        @Override
        int run(Backend b, CairnCli cli) throws Exception {
            for (String c : b.pinAdd(cids, recursive)) {
                cli.out.println("pinned " + c + (recursive ? " recursively" : " directly"));
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove the pins of each CID.")
    static final class Rm extends Sub {
        @Parameters(paramLabel = "CID", arity = "1..*")
        List<String> cids;

        @Option(names = {"-r", "--recursive"}, arity = "1", defaultValue = "true",
                description = "Also remove recursive pins (default: ${DEFAULT-VALUE}).")
        boolean recursive;

        @Override
        int run(Backend b, CairnCli cli) throws Exception {
            for (String c : b.pinRm(cids, recursive)) {
                cli.out.println("unpinned " + c);
            }
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List pins: one 'CID TYPE' line each.")
    static final class Ls extends Sub {
        @Parameters(paramLabel = "CID", arity = "0..*", description = "Only these CIDs (how each is pinned).")
        List<String> cids = List.of();

        @Option(names = {"-t", "--type"}, defaultValue = "all",
                description = "all, recursive, direct or indirect (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = {"-q", "--quiet"}, description = "Print only the CIDs.")
        boolean quiet;

        @Override
        int run(Backend b, CairnCli cli) throws Exception {
            for (Backend.Pin p : b.pinLs(type, cids)) {
                cli.out.println(quiet ? p.cid() : p.cid() + " " + p.type());
            }
            return 0;
        }
    }
}
