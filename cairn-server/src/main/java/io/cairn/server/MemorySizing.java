package io.cairn.server;

import io.cairn.memory.ProcessMemoryLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that {@code max-memory} and {@code cache-size} are sizes this process can hold, and
 * clamps the ones it cannot, with a warning that says why and what fits. A budget above the JVM's own
 * limits would have the governor measure against memory that does not exist
 * ({@code JAVA_OPTS=-Xmx128m ./cairn serve --max-memory 1g --cache-size 512m} started silently and
 * later died of OutOfMemoryError); a cache larger than where it lives has room for does the same.
 *
 * <ul>
 *   <li>{@code max-memory} at most the container limit, else the machine's memory.</li>
 *   <li>{@code cache-size}: the content cache lives off the heap ({@link #CACHE_ON_HEAP}), so at most half
 *       the native room: what is left of the budget (or of the container limit less the JVM's own native
 *       headroom) after the heap max. (Were it on the heap: half the heap max.)</li>
 * </ul>
 */
public final class MemorySizing {
    private static final Logger LOG = LoggerFactory.getLogger(MemorySizing.class);

    /**
     * Where the block content cache keeps its bytes: off the heap (OffHeapBlockCache), so cache-size is
     * checked against half the native room.
     */
    static final boolean CACHE_ON_HEAP = false;

    private MemorySizing() {
    }

    /** {@code config} with the sizes this JVM can hold, warning about each one changed. */
    public static ServerConfig fit(ServerConfig config) {
        Result r = fit(config, ProcessMemoryLimits.ofThisJvm(), CACHE_ON_HEAP);
        for (String warning : r.warnings()) {
            LOG.warn(warning);
        }
        return r.config();
    }

    /** The outcome of a check: the configuration to use and a warning per clamped setting. */
    record Result(ServerConfig config, java.util.List<String> warnings) {
    }

    static Result fit(ServerConfig config, ProcessMemoryLimits limits, boolean cacheOnHeap) {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        ServerConfig out = config;
        long holdable = limits.holdableBytes();
        if (holdable > 0 && config.maxMemoryBytes() > 0 && config.maxMemoryBytes() > holdable) {
            warnings.add("max-memory " + size(config.maxMemoryBytes()) + " is more than this process can hold: "
                    + (limits.containerLimitBytes() > 0 ? "the container limit is " + size(limits.containerLimitBytes())
                            : "the machine has " + size(holdable))
                    + "; using " + size(holdable) + ". Lower --max-memory, or give the container more memory");
            out = out.withMaxMemory(holdable);
        }
        long budget = out.maxMemoryBytes() > 0 ? out.maxMemoryBytes()
                : io.cairn.memory.JvmMemoryGovernor.deriveBudgetFor(limits);
        // Half of where it lives: a cache near all of it would hold the level above MEDIUM's exit line on its
        // own (trimmed to 75 % at MEDIUM it still holds more than 70 %), and writes would stay squeezed.
        long room = cacheOnHeap ? limits.heapMaxBytes() / 2 : limits.nativeRoomBytes(budget) / 2;
        // Unset, the store takes a quarter of the budget (StoreStack): that default must fit as well.
        long requested = out.cacheSizeBytes() < 0 ? budget / 4 : out.cacheSizeBytes();
        if (requested > room) {
            String where = cacheOnHeap
                    ? "the content cache lives on the heap, and half the heap max (" + size(limits.heapMaxBytes())
                            + ") is what it can have beside the live set and request bodies"
                    : "the content cache lives outside the heap, and may have half of what the budget " + size(budget)
                            + (limits.containerLimitBytes() > 0 ? " (container limit " + size(limits.containerLimitBytes())
                                    + " less " + size(ProcessMemoryLimits.NATIVE_HEADROOM) + " for the JVM itself)" : "")
                            + " leaves after the heap max " + size(limits.heapMaxBytes());
            warnings.add("cache-size " + size(requested) + (out.cacheSizeBytes() < 0 ? " (the default)" : "") + " does not fit: " + where + "; using "
                    + size(room) + ". To cache more, raise " + (cacheOnHeap ? "-Xmx" : "max-memory or lower -Xmx"));
            out = out.withCacheSize(room);
        }
        return new Result(out, java.util.List.copyOf(warnings));
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
