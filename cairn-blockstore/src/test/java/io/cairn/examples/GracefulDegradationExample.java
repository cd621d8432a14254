package io.cairn.examples;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstores;
import io.cairn.blockstore.MemoryAwareBlockstore;
import io.cairn.blockstore.MemoryAwareConfig;
import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.PressureLevel;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Example 3: watch a memory-aware store degrade as the live set grows, refuse writes at CRITICAL,
 * keep serving reads, and recover once memory is given back.
 */
public final class GracefulDegradationExample {

    /** What the run observed. */
    public record Outcome(List<PressureLevel> levels, int refusedWrites, boolean readsServedAtCritical, int finalLevel) {
    }

    public static Outcome run(PrintStream out) throws InterruptedException {
        // A budget just above what this JVM holds now, so that a few MiB of ballast make real pressure.
        long liveNow = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.gc();
        liveNow = Math.min(liveNow, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long budget = liveNow + (64L << 20);
        List<PressureLevel> levels = new ArrayList<>();
        GovernorConfig config = GovernorConfig.builder()
                .maxMemoryBytes(budget)
                .minDwell(Duration.ofMillis(200))
                .samplerInterval(Duration.ofMillis(100))
                .build();
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(config);
             MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, MemoryAwareConfig.defaults())) {
            governor.addListener((previous, current, stats) -> {
                synchronized (levels) {
                    levels.add(current);
                }
                out.println("degradation level " + previous.severity() + " -> " + current.severity());
            });
            Block kept = Block.raw("written while memory was plentiful".getBytes());
            store.put(kept);

            // Grow the live set in 4 MiB steps until the store reaches CRITICAL.
            List<byte[]> ballast = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (governor.level() != PressureLevel.CRITICAL && System.nanoTime() < deadline) {
                if (governor.stats().usageRatio() < 1.0) {
                    ballast.add(new byte[4 << 20]);
                }
                System.gc(); // lets the governor see the new live set at once
                Thread.sleep(50);
            }
            int refused = 0;
            try {
                store.put(Block.raw("written under CRITICAL pressure".getBytes()));
            } catch (MemoryPressureException e) {
                refused++;
                out.println("write refused: " + e.getMessage());
            }
            boolean readOk = store.get(kept.cid()).size() == kept.size();
            out.println("read at level " + store.degradationLevel() + ": " + (readOk ? "served" : "FAILED"));

            // Give the memory back: the level walks down by itself.
            ballast.clear();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.degradationLevel() != 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(100);
            }
            out.println("final degradation level " + store.degradationLevel());
            synchronized (levels) {
                return new Outcome(List.copyOf(levels), refused, readOk, store.degradationLevel());
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
