package io.cairn.cache;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A cache's obedience to the memory governor and to {@link CachePolicy#setAdmitting}: the
 * subscription (level listener and heap-consumer registration), the {@link PressureResponse} it
 * drives, and the questions the engine and the write decorators ask (admitting? forced
 * write-through? which bound?). An ungoverned cache has an instance without a response, which always
 * keeps the full bound. The response's state is guarded by the cache's lock; the engine reacts to a
 * level change (trimming) through the listener it passes to {@link #subscribe}.
 */
final class Governance {
    private static final Logger log = LoggerFactory.getLogger(Governance.class);

    private final String name;
    private final PressureResponse pressure; // null when not governed
    private final List<MemoryGovernor.Registration> registrations = new ArrayList<>();
    private final List<Runnable> writeThroughForced = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean userAdmitting = true;

    Governance(String name, GovernanceConfig config, long now) {
        this.name = name;
        this.pressure = config == null ? null : new PressureResponse(config, now);
    }

    /** Registers the cache's weight as a heap consumer and calls {@code onLevel} on each level change. */
    void subscribe(MemoryGovernor governor, LongSupplier weightedSize, Consumer<PressureLevel> onLevel) {
        registrations.add(governor.registerConsumer(name, MemoryGovernor.Residence.HEAP, weightedSize));
        registrations.add(governor.addListener((previous, current, memoryStats) -> onLevel.accept(current)));
    }

    boolean governed() {
        return pressure != null;
    }

    /** A new level; true if the bound in force changed. Eviction lock held. */
    boolean onLevel(PressureLevel level, long now) {
        return pressure.onLevel(level, now);
    }

    /** Takes a restore step if one is due; true if the bound in force changed. Eviction lock held. */
    boolean restoreStepIfDue(long now) {
        return pressure != null && pressure.restoreStepIfDue(now);
    }

    /** When the next restore step is due; {@link Pacer#NONE} if none. Eviction lock held. */
    long nextRestoreDue() {
        return pressure == null ? Pacer.NONE : pressure.nextRestoreDue();
    }

    /** The bound in force for the configured {@code maximum}. Eviction lock held. */
    long bound(long maximum) {
        return pressure == null ? maximum : pressure.bound(maximum);
    }

    boolean isAdmitting() {
        return userAdmitting && (pressure == null || pressure.admits());
    }

    void setAdmitting(boolean admitting) {
        userAdmitting = admitting;
    }

    boolean forcesWriteThrough() {
        return pressure != null && pressure.forcesWriteThrough();
    }

    /** {@code action} runs after each level change that forces write-through (write-behind flushes). */
    void onWriteThroughForced(Runnable action) {
        writeThroughForced.add(action);
    }

    /** After a level change has been applied (lock released). */
    void levelApplied() {
        if (forcesWriteThrough()) {
            for (Runnable r : writeThroughForced) {
                r.run();
            }
        }
    }

    void close() {
        for (MemoryGovernor.Registration r : registrations) {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.warn("cache '{}': closing a governor registration failed", name, e);
            }
        }
        registrations.clear();
    }
}
