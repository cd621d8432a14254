package io.cairn.bench.cli;

import io.cairn.bench.load.SoakRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn bench soak}: long mixed load with resource sampling. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Paced mixed get/put load against a child-JVM server for --minutes, sampling RSS, heap after GC,",
                "threads, open files and GC pauses; reports growth after warm-up against the goals",
                "(RSS growth < 5 MB, GC pause P95 < 50 ms, P99 < 5 ms) and RSS against heap committed + native",
                "+ a fixed overhead (within 5 %). Writes soak-timeline.csv/.png into --out.",
                "The 1 GiB off-heap soak: --minutes 4 --heap 128m --max-memory 2400m --cache-size 1g --block-kib 256"})
public final class SoakCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Run length (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--warmup-minutes", description = "Warm-up excluded from growth (default: a fifth of the run, at most 2).")
    Double warmupMinutes;

    @Option(names = "--heap", defaultValue = "256m", description = "Child -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--max-memory", description = "Server --max-memory (default: the server's own).")
    String maxMemory;

    @Option(names = "--threads", defaultValue = "8", description = "Client threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rate", defaultValue = "400", description = "Target operations per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--put-fraction", defaultValue = "0.2", description = "Share of uploads (default ${DEFAULT-VALUE}).")
    double putFraction;

    @Option(names = "--max-block-kib", defaultValue = "16", description = "Uploads are 1..N KiB (default ${DEFAULT-VALUE}).")
    int maxBlockKib;

    @Option(names = "--block-kib", description = "Every upload exactly N KiB (default: 1..--max-block-kib).")
    Integer blockKib;

    @Option(names = "--cache-size", description = "Server --cache-size, e.g. 1g (default: the server's own).")
    String cacheSize;

    @Option(names = "--serve-option", description = "Extra cairn serve option (repeatable), e.g. --serve-option=--fsync=false.")
    List<String> serveOptions = new ArrayList<>();

    @Option(names = "--sample-seconds", defaultValue = "5", description = "Sampling period (default ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(names = "--jvm", description = "Extra child JVM option (repeatable).")
    List<String> jvm = new ArrayList<>();

    @Mixin
    HarnessFiles files;

    @Override
    public Integer call() throws Exception {
        Duration total = Duration.ofMillis((long) (minutes * 60_000));
        Duration warm = warmupMinutes != null ? Duration.ofMillis((long) (warmupMinutes * 60_000))
                : Duration.ofMillis(Math.min(120_000, total.toMillis() / 5));
        Path outDir = files.outDir();
        Path workDir = files.workDir("cairn-soak-");
        List<String> serve = new ArrayList<>(serveOptions);
        if (cacheSize != null) {
            serve.add("--cache-size");
            serve.add(cacheSize);
        }
        SoakRun.Config cfg = new SoakRun.Config(total, warm, heap, maxMemory, threads, rate, putFraction,
                maxBlockKib * 1024, blockKib == null ? 0 : blockKib * 1024, Duration.ofSeconds(sampleSeconds), workDir,
                jvm, serve);
        SoakRun.Result r = new SoakRun(cfg, System.out).run();
        r.print(System.out);
        files.finish("soak", r.timeline(), SoakRun.panels(), outDir, workDir);
        return r.outOfMemoryErrors() != 0 || r.serverDied() ? 1 : 0;
    }
}
