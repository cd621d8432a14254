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
 * @param liveSetAfterGc       the live-set estimate: heap occupancy after the last collection (for
 *                             concurrent collectors, old generation plus the smallest recent young
 *                             figure), plus old-generation growth and released reservations since
 * @param collectors           per-collector counts and times
 * @param directBufferBytes    direct ByteBuffers in use
 * @param mappedBufferBytes    mapped ByteBuffers in use
 * @param reservedBytes        bytes held by outstanding reservations
 * @param consumers            bytes reported by registered consumers, by name
 * @param processRssBytes      resident set size of the process
 * @param containerLimitBytes  the container's memory limit (cgroup), -1 if none
 * @param containerUsageBytes  what the kernel charges to the process's memory cgroup, the figure the
 *                             limit is enforced on: the whole group's touched heap pages, native
 *                             memory and page cache, other processes in the group included; -1 if
 *                             it cannot be read
 * @param budgetBytes          the budget usage is measured against
 * @param usedBytes            what the governor counts as used against the budget: live heap,
 *                             direct and mapped buffers, reservations and off-heap consumers
 * @param level                the pressure level when the snapshot was taken
 * @param maxDirectBytes       the direct-memory limit (-XX:MaxDirectMemorySize or its default)
 * @param usageRatio           the ratio the level is derived from: the largest of used/budget,
 *                             (live heap + reservations)/heap max and direct/max direct, or at
 *                             least the CRITICAL threshold while the heap fast path holds; may
 *                             exceed 1.0
 * @param bindingLimit         which limit produced {@code usageRatio}: "budget", "heap", "direct"
 *                             or "heap-fast-path"
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
        long containerUsageBytes,
        long budgetBytes,
        long usedBytes,
        PressureLevel level,
        long maxDirectBytes,
        double usageRatio,
        String bindingLimit) {

    public MemoryStats {
        collectors = List.copyOf(collectors);
        consumers = Map.copyOf(consumers);
    }

    /** GC cycles so far, summed over the collectors that count cycles rather than pauses. */
    public long gcCycles() {
        long sum = 0;
        for (CollectorStats c : collectors) {
            if (c.countsCycles()) {
                sum += Math.max(0, c.count());
            }
        }
        return sum;
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
        /**
         * False for the beans that count pauses of a concurrent collector ("ZGC Minor Pauses",
         * "Shenandoah Pauses", "G1 Concurrent GC" for remark and cleanup): their pauses belong to
         * cycles the other beans already count.
         */
        public boolean countsCycles() {
            return !name.endsWith("Pauses") && !name.equals("G1 Concurrent GC");
        }
    }
}
