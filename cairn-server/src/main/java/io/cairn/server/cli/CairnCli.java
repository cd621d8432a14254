package io.cairn.server.cli;

import io.cairn.server.CairnServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The {@code cairn} command line. Exit codes: 0 success, 1 any error (one line on stderr, the stack
 * trace only with {@code --verbose}).
 */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = CairnCli.Version.class,
        description = "Cairn: a content-addressed block store for the JVM that governs its own memory.",
        subcommands = {ServeCommand.class, BlockCommands.Put.class, BlockCommands.Get.class, BlockCommands.Stat.class,
                BlockCommands.Rm.class, BlockCommands.Import.class, BlockCommands.Export.class, CidCommand.class,
                UnixFsCommands.Add.class, UnixFsCommands.Cat.class,
                PinCommands.class, RepoCommands.Gc.class, RepoCommands.Repo.class,
                CommandLine.HelpCommand.class})
public final class CairnCli implements Runnable {
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;
    final boolean terminal;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean verbose;

    CairnCli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
    }

    @Override
    public void run() {
        CommandLine.usage(this, out);
    }

    public static void main(String[] args) {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        int code = run(args, System.in, System.out, System.err, System.getenv(), terminal);
        System.exit(code);
    }

    /** Runs one command with the given streams and environment; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                          boolean terminal) {
        CairnCli root = new CairnCli(in, out, err, env, terminal);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExitCodeExceptionMapper(t -> 1);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("cairn: " + ex.getMessage());
            err.println("  (see 'cairn " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help')");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            err.println("cairn: error: " + oneLine(t));
            if (root.verbose) {
                t.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        // Wrapped causes often carry the part a user can act on ("Address already in use").
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m = m + ": " + cause.getMessage();
        }
        return m.replace('\n', ' ').strip();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cairn " + CairnServer.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
