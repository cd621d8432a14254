package io.cairn.memory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For {@link RealCgroupLimitTest}: prints its pid, waits for "go" on stdin (the parent moves it into
 * a memory cgroup meanwhile), then starts a governor and reports what it saw:
 * <pre>
 *   PID pid
 *   CGROUP line              each line of /proc/self/cgroup after the move
 *   RESULT key value         limit, budget, heapMax, maxDirect, usage, softMaxBefore/During/After
 * </pre>
 * Nothing here may touch {@link OsMemory} before "go": it resolves the group once.
 */
public final class CgroupLimitChild {
    private CgroupLimitChild() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("PID " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            System.exit(2);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            System.out.println("CGROUP " + line);
        }
        com.sun.management.HotSpotDiagnosticMXBean hotspot = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        System.out.println("RESULT softMaxBefore " + hotspot.getVMOption("SoftMaxHeapSize").getValue());
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.defaults())) {
            MemoryStats s = g.stats();
            System.out.println("RESULT softMaxDuring " + hotspot.getVMOption("SoftMaxHeapSize").getValue());
            System.out.println("RESULT limit " + s.containerLimitBytes());
            System.out.println("RESULT budget " + s.budgetBytes());
            System.out.println("RESULT heapMax " + s.heapMax());
            System.out.println("RESULT maxDirect " + s.maxDirectBytes());
            System.out.println("RESULT usage " + s.containerUsageBytes());
        }
        System.out.println("RESULT softMaxAfter " + hotspot.getVMOption("SoftMaxHeapSize").getValue());
        System.out.flush();
        System.exit(0);
    }
}
