package io.cairn.bench.governor;

import io.cairn.memory.offheap.AllocatorConfig;
import io.cairn.memory.offheap.Fragmentation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cairn bench memory}: heap bytes per entry of caches, the has/size cache and the Bloom filter. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Heap bytes per entry (growth of heap-after-full-GC over N entries, in a child JVM with the",
                "Serial collector): CID keys, cache entries per policy vs Caffeine, the has/size cache, the",
                "content cache beyond the payload, and the Bloom filter. Then the off-heap content cache in a",
                "-Xmx128m child: heap live set empty vs full, metadata per entry, RSS fall after trims; and the",
                "allocator's fragmentation on UnixFS block sizes (--unixfs-sizes)."})
public final class MemoryCommand implements Callable<Integer> {
    @Option(names = "--entries", defaultValue = "200000", description = "N (default ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--offheap-cache", defaultValue = "1073741824",
            description = "Bytes of the off-heap content cache filled in the -Xmx128m child (default ${DEFAULT-VALUE}).")
    long offHeapCache;

    @Option(names = "--offheap-only", description = "Skip the heap-per-entry table.")
    boolean offHeapOnly;

    @Option(names = "--unixfs-sizes", paramLabel = "FILE",
            description = "Block sizes, one per line (cairn-bench/scripts/unixfs-block-sizes.mjs); repeatable.")
    List<Path> unixfsSizes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        int exit = 0;
        if (!offHeapOnly) {
            Process p = ChildProbe.start(List.of("-Xmx2g", "-Xms2g", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"), MemoryProbe.class,
                    Integer.toString(entries));
            System.out.printf(Locale.ROOT, "%-110s %s%n", "structure (N = " + entries + ")", "bytes/entry");
            exit |= ChildProbe.relay(p, line -> {
                String name = line.substring(line.indexOf("name=") + 5, line.indexOf(" bytes_per_entry="));
                String v = line.substring(line.indexOf("bytes_per_entry=") + 16);
                System.out.printf(Locale.ROOT, "%-110s %s%n", name.replace('_', ' '), v);
            });
        }
        System.out.println();
        exit |= offHeap(offHeapCache, 262_158, true);
        exit |= offHeap(256L << 20, 4096, false);
        for (Path file : unixfsSizes) {
            int[] sizes = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).mapToInt(Integer::parseInt).toArray();
            System.out.println();
            System.out.println("fragmentation on " + file + " (" + sizes.length + " blocks), default regions and pages");
            for (int extra : new int[] {0, 34}) {
                Fragmentation f = Fragmentation.measure(AllocatorConfig.of(0), sizes, extra);
                System.out.printf(Locale.ROOT, "  +%2d B key: >= 64 KiB %.2f %% (%d B asked), < 64 KiB %.2f %% (%d B asked),"
                                + " all blocks at once in %d B of regions (%.2f %% not payload)%n",
                        extra, 100 * f.large(), f.largeRequested(), 100 * f.small(), f.smallRequested(), f.mapped(),
                        100 * f.overall());
            }
        }
        return exit == 0 ? 0 : 1;
    }

    private static int offHeap(long cacheBytes, int blockSize, boolean trims) throws Exception {
        System.out.println();
        System.out.println("off-heap content cache of " + cacheBytes + " bytes, " + blockSize
                + "-byte blocks, child -Xmx128m -XX:+UseSerialGC");
        Process q = ChildProbe.start(List.of("-Xmx128m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"),
                OffHeapCacheProbe.class, Long.toString(cacheBytes), Integer.toString(blockSize), trims ? "trim" : "notrim");
        return ChildProbe.relay(q, line -> {
            String name = line.substring(line.indexOf("name=") + 5, line.indexOf(" value="));
            String v = line.substring(line.indexOf(" value=") + 7);
            System.out.printf(Locale.ROOT, "  %-48s %s%n", name, v);
        });
    }
}
