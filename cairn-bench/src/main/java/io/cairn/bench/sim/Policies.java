package io.cairn.bench.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The policies the simulator knows, by command-line name. */
public final class Policies {
    private static final Map<String, Supplier<PolicySimulator>> KNOWN = new LinkedHashMap<>();

    static {
        for (String engine : EngineReplay.POLICIES) {
            KNOWN.put(engine, () -> new OnlinePolicy(engine, cap -> new EngineReplay(engine, cap)));
        }
        KNOWN.put("caffeine", () -> new OnlinePolicy("caffeine", CaffeineReplay::new));
        KNOWN.put("opt", BeladyOpt::new);
        KNOWN.put("lhm-lru", () -> new OnlinePolicy("lhm-lru", LinkedHashMapLru::new));
        KNOWN.put("offheap-clock", () -> OffHeapSimulator.of("offheap-clock", io.cairn.cache.EvictionPolicy.LRU));
        KNOWN.put("offheap-lfu", () -> OffHeapSimulator.of("offheap-lfu", io.cairn.cache.EvictionPolicy.LFU));
        KNOWN.put("offheap-tinylfu", () -> OffHeapSimulator.of("offheap-tinylfu", io.cairn.cache.EvictionPolicy.W_TINY_LFU));
    }

    private Policies() {
    }

    /** Every name {@link #byName} accepts, in a stable order. */
    public static List<String> names() {
        return List.copyOf(KNOWN.keySet());
    }

    /**
     * The policy called {@code name}: {@code lru}, {@code lfu}, {@code arc}, {@code wtinylfu}
     * (Cairn's cache engine), {@code caffeine} (the library, as a baseline), {@code opt} (Belady)
     * or {@code lhm-lru} (a LinkedHashMap LRU, the oracle); {@code offheap-clock}, {@code offheap-lfu}
     * and {@code offheap-tinylfu} are the off-heap content cache under its lru, lfu and wtinylfu settings.
     */
    public static PolicySimulator byName(String name) {
        Supplier<PolicySimulator> s = KNOWN.get(name.trim().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "' (known: "
                    + String.join(", ", KNOWN.keySet()) + ")");
        }
        return s.get();
    }

    /** Parses a comma-separated list of names. */
    public static List<PolicySimulator> parseList(String csv) {
        List<PolicySimulator> out = new ArrayList<>();
        for (String n : csv.split(",")) {
            if (!n.isBlank()) {
                out.add(byName(n));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no policy named in '" + csv + "'");
        }
        return out;
    }
}
