package io.cairn.bench;

import io.cairn.bench.cli.HitRateCommand;
import io.cairn.bench.governor.GovernorCommand;
import io.cairn.bench.governor.MemoryCommand;
import io.cairn.bench.cli.PressureCommand;
import io.cairn.bench.cli.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;

/**
 * Entry point of {@code ./cairn bench}: the hit-ratio simulator, JMH, and the pressure and soak
 * harnesses. {@code jmh} hands every remaining argument to JMH's own command line unchanged.
 */
@Command(name = "cairn bench", mixinStandardHelpOptions = true,
        description = "Benchmarks and harnesses for Cairn (see docs/BENCHMARKS.md).",
        subcommands = {HitRateCommand.class, PressureCommand.class, SoakCommand.class, GovernorCommand.class, MemoryCommand.class,
                io.cairn.bench.s3.S3Command.class, io.cairn.bench.unixfs.UnixFsCommand.class,
                io.cairn.bench.multinode.MultinodeCommand.class,
                BenchMain.JmhHelp.class, CommandLine.HelpCommand.class})
public final class BenchMain {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(run(args));
    }

    /** Runs a bench command and returns its exit code (for tests and the launcher). */
    public static int run(String... args) {
        return new CommandLine(new BenchMain()).execute(args);
    }

    /** Listed in the help only: {@link #main} sends {@code jmh ...} straight to JMH. */
    @Command(name = "jmh", description = {"Runs the JMH benchmarks; every argument goes to JMH unchanged.",
            "e.g. jmh -f 1 -wi 2 -i 3 -w 1s -r 2s 'BlockstoreBench' ; jmh -l lists them; jmh -h for JMH's help."})
    static final class JmhHelp implements Runnable {
        @Override
        public void run() {
            System.err.println("run as: ./cairn bench jmh [JMH arguments]");
        }
    }
}
