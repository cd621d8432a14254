package io.cairn.bench.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code cairn bench soak}: long mixed load with resource sampling. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Mixed get/put load against a child-JVM server, sampling RSS, heap, threads, files and GC pauses.")
public final class SoakCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("soak: not built yet");
        return 2;
    }
}
