package io.cairn.memory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's figure for this process, the one the OOM killer acts on.
 *
 * <p>In a memory cgroup with a limit (v1 or v2, the process's own group or an ancestor), the charge is
 * the group's anonymous memory, shared memory and kernel memory, from {@code memory.stat} (v1:
 * {@code total_rss + total_shmem} plus {@code memory.kmem.usage_in_bytes}; v2: {@code anon + shmem +
 * kernel}). The page cache is left out: the kernel reclaims it before it kills anything. Every group on
 * the path that has a limit is read and the fullest one binds. Outside such a group the figure is the
 * process's anonymous RSS ({@code RssAnon} in /proc/self/status).
 *
 * <p>Read on the governor's monitor thread only; the limit files are read once, at construction.
 */
final class KernelMemory {
    /** One group with a limit: where its numbers are and what the limit is. */
    private record Group(long limit, KeyValueFile stat, Path kmem, boolean v2) {
    }

    private final List<Group> groups;
    private final KeyValueFile status;

    private long chargeBytes = -1;
    private long limitBytes = -1;

    private KernelMemory(List<Group> groups, Path procStatus) {
        this.groups = groups;
        this.status = procStatus == null ? null : new KeyValueFile(procStatus, "RssAnon:");
    }

    /** For this process: its memory cgroup as {@link OsMemory} resolves it, and /proc/self/status. */
    static KernelMemory forThisProcess() {
        return of(OsMemory.selfGroup(), Path.of("/proc/self/status"));
    }

    /** For tests: an explicit group layout and status file. */
    static KernelMemory of(OsMemory.CgroupMemory group, Path procStatus) {
        List<Group> found = new ArrayList<>();
        for (Path limitFile : group.limitFiles()) {
            long limit = OsMemory.parseLimit(limitFile);
            if (limit <= 0) {
                continue;
            }
            boolean v2 = limitFile.getFileName().toString().equals("memory.max");
            Path stat = limitFile.resolveSibling("memory.stat");
            KeyValueFile file = v2
                    ? new KeyValueFile(stat, "anon", "shmem", "kernel", "kernel_stack", "pagetables",
                            "slab_unreclaimable", "sock", "percpu")
                    : new KeyValueFile(stat, "total_rss", "total_shmem");
            found.add(new Group(limit, file, v2 ? null : limitFile.resolveSibling("memory.kmem.usage_in_bytes"), v2));
        }
        return new KernelMemory(List.copyOf(found), procStatus);
    }

    /** True when a memory cgroup with a limit binds the process. */
    boolean inLimitedGroup() {
        return !groups.isEmpty();
    }

    /**
     * Takes one reading. Afterwards {@link #chargeBytes()} and {@link #limitBytes()} hold the fullest
     * limited group's charge and limit, or, outside one, the anonymous RSS and -1.
     */
    void sample() {
        long bestCharge = -1;
        long bestLimit = -1;
        double bestRatio = -1;
        for (Group g : groups) {
            long charge = groupCharge(g);
            if (charge < 0) {
                continue;
            }
            double ratio = (double) charge / g.limit();
            if (ratio > bestRatio) {
                bestRatio = ratio;
                bestCharge = charge;
                bestLimit = g.limit();
            }
        }
        if (bestCharge >= 0) {
            chargeBytes = bestCharge;
            limitBytes = bestLimit;
            return;
        }
        limitBytes = -1;
        chargeBytes = status != null && status.read() ? status.value(0) : -1;
    }

    long chargeBytes() {
        return chargeBytes;
    }

    long limitBytes() {
        return limitBytes;
    }

    private static long groupCharge(Group g) {
        KeyValueFile f = g.stat();
        if (!f.read()) {
            return -1;
        }
        if (g.v2()) {
            long anon = f.value(0);
            if (anon < 0) {
                return -1;
            }
            long kernel = f.value(2);
            if (kernel < 0) {
                // Kernels before 5.18 have no "kernel" line: add up its parts.
                kernel = 0;
                for (int i = 3; i <= 7; i++) {
                    kernel += Math.max(0, f.value(i));
                }
            }
            return anon + Math.max(0, f.value(1)) + kernel;
        }
        long rss = f.value(0);
        if (rss < 0) {
            return -1;
        }
        long kmem = g.kmem() == null ? -1 : OsMemory.parseUsage(g.kmem());
        return rss + Math.max(0, f.value(1)) + Math.max(0, kmem);
    }
}
