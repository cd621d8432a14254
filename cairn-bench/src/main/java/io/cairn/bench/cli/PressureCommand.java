package io.cairn.bench.cli;

import io.cairn.bench.load.PressureRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn bench pressure}: floods a small-heap server with uploads. */
@Command(name = "pressure", mixinStandardHelpOptions = true,
        description = {"Starts the server in a child JVM with a small heap, floods it with concurrent uploads,",
                "then reports OOMs, refusals, acknowledged-but-unreadable blocks and recovery time.",
                "Writes pressure-timeline.csv and pressure-timeline.png into --out. Exit code 1 if an OOM",
                "happened, the server died or an acknowledged block was lost."})
public final class PressureCommand implements Callable<Integer> {
    @Option(names = "--heap", defaultValue = "128m", description = "Child -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--max-memory", description = {"Server --max-memory (default: the same as --heap, so the budget is the",
            "heap; 'server' leaves it to the server, which derives heap + direct memory)."})
    String maxMemory;

    @Option(names = "--writers", defaultValue = "48", description = "Concurrent uploaders (default ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--readers", defaultValue = "4", description = "Concurrent readers during the flood (default ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--block-kib", defaultValue = "256", description = "Upload size in KiB (default ${DEFAULT-VALUE}).")
    int blockKib;

    @Option(names = "--seconds", defaultValue = "30", description = "Flood duration (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--recover-seconds", defaultValue = "120", description = "Longest wait for level 0 (default ${DEFAULT-VALUE}).")
    int recoverSeconds;

    @Option(names = "--sample-ms", defaultValue = "200", description = "Timeline period (default ${DEFAULT-VALUE}).")
    int sampleMs;

    @Option(names = "--jvm", description = "Extra child JVM option (repeatable), e.g. --jvm=-XX:+UseZGC.")
    List<String> jvm = new ArrayList<>();

    @Mixin
    HarnessFiles files;

    @Override
    public Integer call() throws Exception {
        Path outDir = files.outDir();
        Path workDir = files.workDir("cairn-pressure-");
        String budget = maxMemory == null ? heap : maxMemory.equals("server") ? null : maxMemory;
        PressureRun.Config cfg = new PressureRun.Config(heap, budget, writers, readers, blockKib * 1024,
                Duration.ofSeconds(seconds), Duration.ofSeconds(recoverSeconds), Duration.ofMillis(sampleMs), workDir, jvm);
        PressureRun.Result r = new PressureRun(cfg, System.out).run();
        r.print(System.out);
        files.finish("pressure", r.timeline(), PressureRun.panels(), outDir, workDir);
        boolean bad = r.outOfMemoryErrors() != 0 || r.serverDied() || r.notRetrievable() != 0;
        return bad ? 1 : 0;
    }
}
