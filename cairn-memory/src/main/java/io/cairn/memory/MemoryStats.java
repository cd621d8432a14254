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
 * @param mappedBufferBytes    mapped ByteBuffers in use; reported for information, never counted as
 *                             usage (file-backed pages the kernel reclaims)
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
 *                             direct buffers, reservations and off-heap consumers
 * @param level                the pressure level when the snapshot was taken
 * @param maxDirectBytes       the direct-memory limit (-XX:MaxDirectMemorySize or its default)
 * @param usageRatio           the ratio the level is derived from: the largest of the ratios of
 *                             {@link BindingLimit}, or at least the CRITICAL threshold while the
 *                             heap fast path holds; may exceed 1.0
 * @param bindingLimit         which limit produced {@code usageRatio}
 * @param kernelChargeBytes    the kernel's figure: the memory cgroup's anonymous + shared + kernel
 *                             memory (page cache left out), or outside a limited group the
 *                             process's anonymous RSS; -1 if unknown
 * @param kernelLimitBytes     the limit {@code kernelChargeBytes} is held against (the fullest
 *                             limited group's limit), -1 outside a limited group
 * @param bindingUsedBytes     the bytes in use on the binding limit's side ({@code usageRatio} is
 *                             this over {@code bindingLimitBytes}, except on the fast path)
 * @param bindingLimitBytes    the binding limit in bytes
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
        BindingLimit bindingLimit,
        long kernelChargeBytes,
        long kernelLimitBytes,
        long bindingUsedBytes,
        long bindingLimitBytes) {

    public MemoryStats {
        collectors = List.copyOf(collectors);
        consumers = Map.copyOf(consumers);
        java.util.Objects.requireNonNull(level, "level");
        java.util.Objects.requireNonNull(bindingLimit, "bindingLimit");
    }

    /** A builder with every size unknown (-1) or zero, level NONE, binding BUDGET. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names the figures of one snapshot instead of passing them by position. */
    public static final class Builder {
        private long timestampMillis;
        private long heapUsed;
        private long heapCommitted;
        private long heapMax;
        private long liveSetAfterGc;
        private List<CollectorStats> collectors = List.of();
        private long directBufferBytes;
        private long mappedBufferBytes;
        private long reservedBytes;
        private Map<String, Long> consumers = Map.of();
        private long processRssBytes = -1;
        private long containerLimitBytes = -1;
        private long containerUsageBytes = -1;
        private long budgetBytes;
        private long usedBytes;
        private PressureLevel level = PressureLevel.NONE;
        private long maxDirectBytes = -1;
        private double usageRatio;
        private BindingLimit bindingLimit = BindingLimit.BUDGET;
        private long kernelChargeBytes = -1;
        private long kernelLimitBytes = -1;
        private long bindingUsedBytes = -1;
        private long bindingLimitBytes = -1;

        private Builder() {
        }

        public Builder timestampMillis(long v) { timestampMillis = v; return this; }
        public Builder heap(long used, long committed, long max) {
            heapUsed = used;
            heapCommitted = committed;
            heapMax = max;
            return this;
        }
        public Builder liveSetAfterGc(long v) { liveSetAfterGc = v; return this; }
        public Builder collectors(List<CollectorStats> v) { collectors = v; return this; }
        public Builder directBufferBytes(long v) { directBufferBytes = v; return this; }
        public Builder mappedBufferBytes(long v) { mappedBufferBytes = v; return this; }
        public Builder reservedBytes(long v) { reservedBytes = v; return this; }
        public Builder consumers(Map<String, Long> v) { consumers = v; return this; }
        public Builder processRssBytes(long v) { processRssBytes = v; return this; }
        public Builder container(long limit, long usage) {
            containerLimitBytes = limit;
            containerUsageBytes = usage;
            return this;
        }
        public Builder budgetBytes(long v) { budgetBytes = v; return this; }
        public Builder usedBytes(long v) { usedBytes = v; return this; }
        public Builder level(PressureLevel v) { level = v; return this; }
        public Builder maxDirectBytes(long v) { maxDirectBytes = v; return this; }
        public Builder usageRatio(double v) { usageRatio = v; return this; }
        /** The binding limit and the two figures its ratio comes from. */
        public Builder binding(BindingLimit limit, long used, long limitBytes) {
            bindingLimit = limit;
            bindingUsedBytes = used;
            bindingLimitBytes = limitBytes;
            return this;
        }
        public Builder kernel(long charge, long limit) {
            kernelChargeBytes = charge;
            kernelLimitBytes = limit;
            return this;
        }

        public MemoryStats build() {
            return new MemoryStats(timestampMillis, heapUsed, heapCommitted, heapMax, liveSetAfterGc, collectors,
                    directBufferBytes, mappedBufferBytes, reservedBytes, consumers, processRssBytes,
                    containerLimitBytes, containerUsageBytes, budgetBytes, usedBytes, level, maxDirectBytes,
                    usageRatio, bindingLimit, kernelChargeBytes, kernelLimitBytes, bindingUsedBytes,
                    bindingLimitBytes);
        }
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
