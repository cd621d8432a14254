package io.cairn.memory;

import java.util.List;
import java.util.Map;

/**
 * One snapshot of what the governor measures. Sizes are bytes; {@code -1} means "not known here"
 * (e.g. no /proc, no container limit).
 *
 * @param timestampMillis      wall-clock time of the snapshot
 * @param heapUsed             heap in use now, garbage included
 * @param heapCommitted        heap the JVM has committed
 * @param heapMax              the heap limit (-Xmx)
 * @param liveSetAfterGc       heap occupancy right after the last collection: the live set
 * @param collectors           per-collector counts and times
 * @param directBufferBytes    direct ByteBuffers in use
 * @param mappedBufferBytes    mapped ByteBuffers in use
 * @param reservedBytes        bytes held by outstanding reservations
 * @param consumers            bytes reported by registered consumers, by name
 * @param processRssBytes      resident set size of the process
 * @param containerLimitBytes  the container's memory limit (cgroup), -1 if none
 * @param budgetBytes          the budget usage is measured against
 * @param usedBytes            what the governor counts as used against the budget
 * @param level                the pressure level when the snapshot was taken
 */
public record MemoryStats(
        long timestampMillis,
        long heapUsed,
        long heapCommitted,
        long heapMax,
        long liveSetAfterGc,
        List<CollectorStats> collectors,
        long directBufferBytes,
        long mappedBufferBytes,
        long reservedBytes,
        Map<String, Long> consumers,
        long processRssBytes,
        long containerLimitBytes,
        long budgetBytes,
        long usedBytes,
        PressureLevel level) {

    public MemoryStats {
        collectors = List.copyOf(collectors);
        consumers = Map.copyOf(consumers);
    }

    /** used / budget; may exceed 1.0. */
    public double usageRatio() {
        return budgetBytes <= 0 ? 0.0 : (double) usedBytes / budgetBytes;
    }

    /**
     * One garbage collector's totals.
     *
     * @param name           the collector's MXBean name (e.g. "G1 Young Generation", "ZGC Cycles")
     * @param count          collections so far
     * @param totalTimeMillis accumulated collection time
     * @param lastPauseMillis duration of the most recent collection, -1 if none seen yet
     */
    public record CollectorStats(String name, long count, long totalTimeMillis, long lastPauseMillis) {
    }
}
