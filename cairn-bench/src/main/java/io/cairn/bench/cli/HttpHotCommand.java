package io.cairn.bench.cli;

import io.cairn.bench.http.HotGetRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn bench http-hot}: what a hot raw-block GET costs the gateway, in heap bytes and CPU. */
@Command(name = "http-hot", mixinStandardHelpOptions = true,
        description = {"Starts the gateway in this JVM, stores one random block per --sizes, and drives hot GETs of",
                "each with wrk (its own process): requests/s, and per request the heap bytes allocated (all",
                "threads) and the process CPU time, net of the same JVM's idle rate. Needs wrk on PATH.",
                "For a profile, add JFR to the JVM: JAVA_OPTS=-XX:StartFlightRecording=filename=hot.jfr,settings=profile"})
public final class HttpHotCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "4096,262144", description = "Block sizes (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured wrk run per size (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Unmeasured wrk run first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--connections", defaultValue = "32", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--threads", defaultValue = "2", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-memory", defaultValue = "512m", description = "Server --max-memory (default ${DEFAULT-VALUE}).")
    String maxMemory;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cairn-http-hot-");
        try {
            new HotGetRun(new HotGetRun.Config(sizes, seconds, warmup, connections, threads, dir.resolve("data"), maxMemory), System.out).run();
            return 0;
        } finally {
            WorkDirs.deleteData(dir);
            Files.deleteIfExists(dir);
        }
    }
}
