package io.cairn.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The limits this JVM cannot exceed whatever its configuration says: the heap max, the direct-memory
 * limit and the memory cgroup's limit. For validating a configured budget or cache size at start,
 * before anything is allocated against it.
 *
 * @param heapMaxBytes        Runtime.maxMemory()
 * @param maxDirectBytes      -XX:MaxDirectMemorySize, or the heap max when unset (the JDK's default)
 * @param containerLimitBytes the smallest memory limit of the process's cgroup and its ancestors, -1 if none
 * @param physicalBytes       the machine's memory, -1 if unknown
 */
public record ProcessMemoryLimits(long heapMaxBytes, long maxDirectBytes, long containerLimitBytes, long physicalBytes) {
    /**
     * Memory a JVM needs outside its heap that the governor cannot see (metaspace, code, GC structures,
     * thread stacks, malloc arenas): {@value}, measured for Cairn's server in a 320 MiB memory cgroup.
     */
    public static final long NATIVE_HEADROOM = JvmMemoryGovernor.NATIVE_HEADROOM;

    /** This JVM's limits. */
    public static ProcessMemoryLimits ofThisJvm() {
        long heapMax = Runtime.getRuntime().maxMemory();
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long physical = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return new ProcessMemoryLimits(heapMax, JvmMemoryGovernor.maxDirectMemory(hotspot, heapMax),
                OsMemory.containerLimitBytes(), physical);
    }

    /**
     * The most the process can hold: the container limit, else the machine's memory (native memory
     * that Cairn maps itself, such as the off-heap block cache, is limited by neither -Xmx nor
     * -XX:MaxDirectMemorySize); -1 if neither is known.
     */
    public long holdableBytes() {
        if (containerLimitBytes > 0) {
            return physicalBytes > 0 ? Math.min(containerLimitBytes, physicalBytes) : containerLimitBytes;
        }
        return physicalBytes;
    }

    /**
     * Room for native memory outside the heap under {@code budgetBytes}: the budget (capped by the
     * container limit less {@link #NATIVE_HEADROOM}) minus the heap max; 0 when nothing is left.
     */
    public long nativeRoomBytes(long budgetBytes) {
        long outer = budgetBytes;
        if (containerLimitBytes > 0) {
            outer = Math.min(outer, containerLimitBytes - NATIVE_HEADROOM);
        }
        return Math.max(0, outer - heapMaxBytes);
    }
}
