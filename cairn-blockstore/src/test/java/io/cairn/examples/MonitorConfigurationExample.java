package io.cairn.examples;

import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryStats;
import java.io.PrintStream;
import java.time.Duration;

/** Example 2: configure the memory governor and read what it measures. */
public final class MonitorConfigurationExample {

    /** Starts a governor with explicit settings, prints a snapshot, and returns it. */
    public static MemoryStats run(PrintStream out) {
        GovernorConfig config = GovernorConfig.builder()
                .maxMemoryBytes(512L << 20)                 // budget: 512 MiB (default: derived from -Xmx, direct memory, container)
                .thresholds(0.60, 0.75, 0.85, 0.95)          // LOW, MEDIUM, HIGH, CRITICAL
                .hysteresis(0.05)                            // leave a level only 5 points below its threshold
                .minDwell(Duration.ofSeconds(1))             // and after holding it this long
                .samplerInterval(Duration.ofMillis(500))     // safety-net sampling at level 0 (faster under pressure)
                .build();
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config)) {
            governor.addListener((previous, current, stats) ->
                    out.println("pressure " + previous + " -> " + current + " at " + Math.round(stats.usageRatio() * 100) + " %"));
            MemoryStats s = governor.stats();
            out.printf("level %s, %d of %d bytes used (%.1f %%), live set after GC %d bytes, heap max %d%n",
                    s.level(), s.usedBytes(), s.budgetBytes(), s.usageRatio() * 100, s.liveSetAfterGc(), s.heapMax());
            return s;
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
