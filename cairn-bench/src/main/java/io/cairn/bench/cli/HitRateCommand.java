package io.cairn.bench.cli;

import io.cairn.bench.chart.Charts;
import io.cairn.bench.sim.HitRate;
import io.cairn.bench.sim.HitRateReport;
import io.cairn.bench.sim.HitRateSuite;
import io.cairn.bench.sim.Policies;
import io.cairn.bench.sim.PolicySimulator;
import io.cairn.bench.sim.ReferenceTable;
import io.cairn.bench.sim.Replayer;
import io.cairn.bench.trace.Trace;
import io.cairn.bench.trace.TraceFormat;
import io.cairn.bench.trace.TraceNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cairn bench hitrate}: replays traces against eviction policies and reports hit ratios. */
@Command(name = "hitrate", mixinStandardHelpOptions = true,
        description = {"Replays an access trace against eviction policies at fixed sizes (entries) and prints hit %%.",
                "With --all, runs every trace in the traces folder at the sizes its README lists,",
                "writing hitrate.csv, hitrate.md and one PNG chart per trace into --out."})
public final class HitRateCommand implements Callable<Integer> {
    static final String DEFAULT_POLICIES = "lru,lfu,arc,wtinylfu,caffeine,opt";

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "FILE", description = "Trace file (.gz, .xz, .zst or plain).")
    Path trace;

    @Option(names = "--format", paramLabel = "F",
            description = "lirs, address, arc, cache2k, cloud_physics, int64, keys, adapt_size (default: from the file name).")
    String format;

    @Option(names = "--sizes", paramLabel = "N,N", split = ",", description = "Cache sizes in entries.")
    List<Integer> sizes;

    @Option(names = "--policies", paramLabel = "P,P", defaultValue = DEFAULT_POLICIES,
            description = "Policies: lru, lfu, arc, wtinylfu, sieve, s3fifo, adaptive, default (Cairn's engine; default = the builder's default), caffeine, opt (Belady), lhm-lru (oracle). Default: ${DEFAULT-VALUE}.")
    String policies;

    @Option(names = "--csv", paramLabel = "OUT", description = "Also write the rows as CSV (trace,size,policy,hit_percent).")
    Path csv;

    @Option(names = "--chart", paramLabel = "OUT.png", description = "Also draw hit %% against size as a PNG.")
    Path chart;

    @Option(names = "--all", description = "Run every trace in --traces at the sizes listed in its README.md.")
    boolean all;

    @Option(names = "--traces", paramLabel = "DIR", description = "Trace folder for --all (default: <repo>/traces).")
    Path tracesDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder for --all (default: <repo>/docs/results).")
    Path outDir;

    @Option(names = "--only", paramLabel = "NAME,NAME", split = ",",
            description = "With --all: run only these traces (names as in the README, e.g. lirs_loop).")
    List<String> only;

    @Override
    public Integer call() throws IOException {
        List<PolicySimulator> chosen;
        try {
            chosen = Policies.parseList(policies);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return all ? runSuite(chosen) : runOne(chosen);
    }

    private int runOne(List<PolicySimulator> chosen) throws IOException {
        if (trace == null) {
            throw new ParameterException(spec.commandLine(), "give --trace FILE (or --all)");
        }
        if (sizes == null || sizes.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --sizes N,N,... (cache sizes in entries)");
        }
        if (!Files.isRegularFile(trace)) {
            throw new ParameterException(spec.commandLine(), "trace file not found: " + trace);
        }
        TraceFormat fmt;
        try {
            fmt = format != null ? TraceFormat.byName(format) : TraceNames.formatOf(trace).orElseThrow(
                    () -> new IllegalArgumentException("cannot tell the format of " + trace.getFileName()
                            + " from its name; give --format"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new ParameterException(spec.commandLine(), "cache sizes must be at least 1, got " + s);
            }
        }
        Trace t = Trace.load(trace, fmt);
        System.out.printf(Locale.ROOT, "%s: %,d requests%n", t.name(), t.length());
        List<HitRate> results = Replayer.run(t, sizes, chosen, r -> HitRateReport.printRow(System.out, r));
        if (csv != null) {
            HitRateReport.writeCsv(csv, results);
        }
        if (chart != null) {
            Charts.hitRate(chart, t.name(), results);
        }
        return 0;
    }

    private int runSuite(List<PolicySimulator> chosen) throws IOException {
        Path root = RepoPaths.repoRoot();
        Path dir = tracesDir != null ? tracesDir : root.resolve("traces");
        Path out = outDir != null ? outDir : root.resolve("docs/results");
        ReferenceTable reference = ReferenceTable.parse(dir.resolve("README.md"));
        List<HitRate> results = new ArrayList<>();
        for (HitRateSuite.Entry e : HitRateSuite.discover(dir, reference)) {
            if (only != null && !only.contains(e.name())) {
                continue;
            }
            Trace t = Trace.load(e.file(), e.format());
            List<Integer> s = HitRateSuite.sizesFor(e, t);
            System.out.printf(Locale.ROOT, "%s: %,d requests, %,d distinct, sizes %s%s%n", t.name(), t.length(),
                    t.distinctKeys(), s, e.listedSizes().isPresent() ? " (from README)" : " (1/5/10/25 % of distinct)");
            List<HitRate> rs = Replayer.run(t, s, chosen, r -> HitRateReport.printRow(System.out, r));
            results.addAll(rs);
            Charts.hitRate(out.resolve("hitrate-" + t.name() + ".png"), t.name(), rs);
        }
        if (results.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no trace matched --only " + only);
        }
        HitRateReport.writeCsv(out.resolve("hitrate.csv"), results);
        Files.writeString(out.resolve("hitrate.md"), "# Hit ratios (%)\n\n" + HitRateReport.markdown(results)
                + "\n## Summary over all rows\n\n" + HitRateReport.summary(results)
                + "\n## Against the reference numbers in traces/README.md\n\n"
                + HitRateReport.versusReference(results, reference), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve("hitrate.csv") + ", hitrate.md and "
                + results.stream().map(HitRate::trace).distinct().count() + " charts");
        return 0;
    }
}
