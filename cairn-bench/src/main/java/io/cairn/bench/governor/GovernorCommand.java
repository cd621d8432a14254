package io.cairn.bench.governor;

import io.cairn.bench.load.Percentiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code cairn bench governor}: notification latency and CPU cost of the memory governor. */
@Command(name = "governor", mixinStandardHelpOptions = true,
        description = {"Measures, in a child JVM with a fixed heap, the delay from retained memory crossing a",
                "level's threshold to the listener call (busy and idle application; retained bytes allocated",
                "plainly or reserved first), and the CPU the governor's threads use beside an allocation-heavy",
                "workload."})
public final class GovernorCommand implements Callable<Integer> {
    @Option(names = "--heap", defaultValue = "256m", description = "Child -Xmx; the budget is set to it (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--trials", defaultValue = "15", description = "Crossings per mode (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--level", defaultValue = "MEDIUM", description = "Level whose threshold is crossed (default ${DEFAULT-VALUE}).")
    String level;

    @Option(names = "--churn-mb-s", defaultValue = "200", description = "Garbage rate of the busy application (default ${DEFAULT-VALUE}).")
    int churn;

    @Option(names = "--cpu-seconds", defaultValue = "10", description = "Length of each CPU workload run (default ${DEFAULT-VALUE}).")
    int cpuSeconds;

    @Option(names = "--gc", defaultValue = "G1", description = "Child collector: G1, Parallel, Z (default ${DEFAULT-VALUE}).")
    String gc;

    @Option(names = "--trace", description = "Print, per trial, the collections around the crossing (arrival relative to"
            + " the crossing, collector, cause, duration, heap after): which one first saw the growth, what confirmed it.")
    boolean trace;

    @Option(names = "--csv", paramLabel = "OUT", description = "Also write the latency samples as CSV.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        Process p = ChildProbe.start(List.of("-Xmx" + heap, "-Xms" + heap, "-XX:+Use" + gc + "GC"), GovernorProbe.class,
                Integer.toString(trials), level, Integer.toString(churn), Integer.toString(cpuSeconds), Boolean.toString(trace));
        Map<String, List<Double>> delays = new LinkedHashMap<>();
        List<String> csvLines = new ArrayList<>(List.of("mode,trial,delay_ms"));
        AtomicReference<String> cpuLine = new AtomicReference<>();
        Map<String, List<Double>> seen = new LinkedHashMap<>();
        Map<String, Integer> majorFirst = new LinkedHashMap<>();
        int exit = ChildProbe.relay(p, line -> {
            Map<String, String> kv = parse(line);
            if (line.startsWith("RESULT trace")) {
                seen.computeIfAbsent(kv.get("mode"), m -> new ArrayList<>()).add(Double.parseDouble(kv.get("seen_ms")));
                majorFirst.merge(kv.get("mode"), Boolean.parseBoolean(kv.get("major_first")) ? 1 : 0, Integer::sum);
            } else if (line.startsWith("RESULT latency")) {
                String d = kv.get("delay_ms");
                double ms = d.equals("before_adding") ? Double.POSITIVE_INFINITY : Double.parseDouble(d);
                delays.computeIfAbsent(kv.get("mode"), m -> new ArrayList<>()).add(ms);
                csvLines.add(kv.get("mode") + "," + kv.get("trial") + "," + kv.get("delay_ms"));
                System.out.println(line.substring(7));
            } else {
                cpuLine.set(line);
            }
        });
        if (exit != 0) {
            System.err.println("governor probe exited with " + exit);
            return 1;
        }
        System.out.printf(Locale.ROOT, "%nheap %s, %s GC, crossing %s; delay from crossing to listener call.%n"
                + "Crossing: the moment the retained bytes, added to the governor's usedBytes() read before the trial,%n"
                + "first reach the threshold times the heap (busy/idle: the allocation of that chunk, the governor sees it%n"
                + "only through its live-set estimate; -reserved: the tryReserve of that chunk, an exact input).%n", heap, gc, level);
        delays.forEach((mode, v) -> {
            long missed = v.stream().filter(d -> d.isNaN()).count();
            long early = v.stream().filter(d -> d < 0).count();
            long garbage = v.stream().filter(d -> d.isInfinite()).count();
            Percentiles pc = Percentiles.of(v.stream().filter(d -> !d.isNaN() && !d.isInfinite()).toList());
            System.out.printf(Locale.ROOT, "  %-13s P50 %.1f ms, P95 %.1f ms, max %.1f ms over %d measured; of %d trials: %d raised by the workload's garbage before any bytes were retained, %d notified before the retained bytes crossed, %d not notified within 10 s%n",
                    mode, pc.p50(), pc.p95(), pc.max(), pc.count(), v.size(), garbage, early, missed);
        });
        if (!seen.isEmpty()) {
            System.out.println("Trace: when the first collection whose heap-after figure passed the threshold ended (after the"
                    + " crossing), and how many rises waited for a major (confirming) collection before the listener call:");
            seen.forEach((mode, v) -> {
                List<Double> measured = v.stream().filter(d -> !d.isNaN()).toList();
                Percentiles pc = Percentiles.of(measured);
                System.out.printf(Locale.ROOT, "  %-13s seen by a collection P50 %.1f ms, P95 %.1f ms over %d (%d not before the"
                                + " listener); a major collection before the listener in %d of %d%n", mode, pc.p50(), pc.p95(),
                        pc.count(), v.size() - measured.size(), majorFirst.getOrDefault(mode, 0), v.size());
            });
        }
        if (cpuLine.get() != null) {
            Map<String, String> kv = parse(cpuLine.get());
            double gov = Double.parseDouble(kv.get("governor_cpu_ms"));
            double proc = Double.parseDouble(kv.get("process_cpu_ms"));
            System.out.printf(Locale.ROOT,
                    "CPU: governor threads %.1f ms of %.1f ms process CPU (%.3f %%) over %s s; workload %.0f MB/s without, %.0f MB/s with%n",
                    gov, proc, 100 * gov / proc, kv.get("seconds"), Double.parseDouble(kv.get("workload_mb_s_without")),
                    Double.parseDouble(kv.get("workload_mb_s_with")));
        }
        if (csv != null) {
            Path parent = csv.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(csv, csvLines, StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String tok : line.split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                kv.put(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return kv;
    }
}
