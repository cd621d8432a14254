package io.cairn.server.store;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the server's pressure level honest after a burst. The governor judges the heap by its
 * occupancy after the last collection, and a block server's garbage is mostly large byte arrays
 * that G1 allocates straight into old regions: once a flood of uploads stops, nothing allocates,
 * no collection runs, and the stale after-GC figure holds the level up (observed: level 3 for a
 * minute after the flood in MemoryPressureFloodTest, with 14 MiB live behind a 45 MiB estimate).
 *
 * <p>So, every two seconds: at MEDIUM or above, ask the governor for a collection (the degradation
 * table's level-2 action, repeated while the level lasts rather than only on entry); and once after
 * an episode, when the level has fallen to LOW, ask for up to three more, so the estimate is
 * refreshed and the level can return to NONE. The governor rate-limits every request (by default one
 * collection per 5 s), so this never collects more often than that.
 */
final class PressureRecovery implements AutoCloseable {
    private static final int SETTLE_REQUESTS = 3;

    private final MemoryGovernor governor;
    private final ScheduledExecutorService timer;
    private boolean episode;
    private int settleLeft;

    PressureRecovery(MemoryGovernor governor) {
        this.governor = governor;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-pressure-recovery");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 2, 2, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            PressureLevel level = governor.level();
            if (level.atLeast(PressureLevel.MEDIUM)) {
                episode = true;
                settleLeft = SETTLE_REQUESTS;
                governor.requestGc();
            } else if (episode && level == PressureLevel.LOW && settleLeft > 0) {
                if (governor.requestGc() == MemoryGovernor.GcRequestResult.STARTED) {
                    settleLeft--;
                }
            } else if (level == PressureLevel.NONE) {
                episode = false;
            }
        } catch (RuntimeException e) {
            // A closed governor during shutdown: nothing left to recover.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
