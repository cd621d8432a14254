package io.cairn.bench.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code cairn bench pressure}: floods a small-heap server with uploads. */
@Command(name = "pressure", mixinStandardHelpOptions = true,
        description = "Starts the server in a child JVM with a small heap and floods it with uploads.")
public final class PressureCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pressure: not built yet");
        return 2;
    }
}
