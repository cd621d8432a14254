package io.cairn.bench.governor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cairn bench memory}: heap bytes per entry of caches, the has/size cache and the Bloom filter. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Heap bytes per entry (growth of heap-after-full-GC over N entries, in a child JVM with the",
                "Serial collector): CID keys, cache entries per policy vs Caffeine, the has/size cache, the",
                "content cache beyond the payload, and the Bloom filter."})
public final class MemoryCommand implements Callable<Integer> {
    @Option(names = "--entries", defaultValue = "200000", description = "N (default ${DEFAULT-VALUE}).")
    int entries;

    @Override
    public Integer call() throws Exception {
        Process p = ChildProbe.start(List.of("-Xmx2g", "-Xms2g", "-XX:+UseSerialGC"), MemoryProbe.class,
                Integer.toString(entries));
        System.out.printf(Locale.ROOT, "%-110s %s%n", "structure (N = " + entries + ")", "bytes/entry");
        int exit = ChildProbe.relay(p, line -> {
            String name = line.substring(line.indexOf("name=") + 5, line.indexOf(" bytes_per_entry="));
            String v = line.substring(line.indexOf("bytes_per_entry=") + 16);
            System.out.printf(Locale.ROOT, "%-110s %s%n", name.replace('_', ' '), v);
        });
        return exit == 0 ? 0 : 1;
    }
}
