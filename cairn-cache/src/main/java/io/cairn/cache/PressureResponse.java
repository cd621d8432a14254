package io.cairn.cache;

import io.cairn.memory.PressureLevel;

/**
 * What a governed cache does about the governor's level: the fraction of the maximum it keeps, and
 * whether it admits and writes behind. The cut is immediate when pressure rises; when it falls the
 * fraction climbs back one {@link GovernanceConfig#restoreStep()} at a time, the first step at once
 * and each further one after {@link GovernanceConfig#restoreInterval()}, so that a cache which has
 * just relieved the pressure does not refill in one go and bring it straight back.
 *
 * <p>The level is volatile (read on every put); the fraction and the restore clock are guarded by
 * the cache's lock.
 */
final class PressureResponse {
    private final GovernanceConfig config;
    private volatile PressureLevel level = PressureLevel.NONE;
    private double fraction = 1.0;
    private long lastRestoreNanos;

    PressureResponse(GovernanceConfig config, long now) {
        this.config = config;
        this.lastRestoreNanos = now;
    }

    /** A new level; true if the kept fraction changed. Lock held. */
    boolean onLevel(PressureLevel current, long now) {
        level = current;
        double target = config.effectiveRetainFraction(current);
        if (target < fraction) {
            fraction = target;
            return true;
        }
        if (target > fraction) {
            fraction = Math.min(target, fraction + config.restoreStep());
            lastRestoreNanos = now;
            return true;
        }
        return false;
    }

    /** Takes the next restore step if one is due; true if the kept fraction changed. Lock held. */
    boolean restoreStepIfDue(long now) {
        double target = config.effectiveRetainFraction(level);
        if (fraction < target && now - lastRestoreNanos >= config.restoreInterval().toNanos()) {
            fraction = Math.min(target, fraction + config.restoreStep());
            lastRestoreNanos = now;
            return true;
        }
        return false;
    }

    /** When the next restore step is due in ticker time; {@link Pacer#NONE} if the bound is restored. Lock held. */
    long nextRestoreDue() {
        if (fraction >= config.effectiveRetainFraction(level)) {
            return Pacer.NONE;
        }
        return lastRestoreNanos + config.restoreInterval().toNanos();
    }

    /** The bound in force for a configured {@code maximum}. Lock held. */
    long bound(long maximum) {
        return fraction >= 1.0 ? maximum : (long) Math.floor(maximum * fraction);
    }

    boolean admits() {
        return config.action(level).admit();
    }

    boolean forcesWriteThrough() {
        return config.action(level).forceWriteThrough();
    }
}
