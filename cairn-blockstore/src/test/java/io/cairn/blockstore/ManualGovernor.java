package io.cairn.blockstore;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.PressureListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A governor whose level the test sets by hand, for deterministic tests of what reacts to it.
 * Listeners are called synchronously, in order, from {@link #setLevel}. Reservations are refused
 * when {@code used + reserved + wanted} would pass 95 % of the budget, as the real governor does.
 */
final class ManualGovernor implements MemoryGovernor {
    private final long budget;
    private final List<PressureListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicInteger gcRequests = new AtomicInteger();
    private volatile PressureLevel level = PressureLevel.NONE;
    private volatile long used;

    ManualGovernor(long budget) {
        this.budget = budget;
    }

    synchronized void setLevel(PressureLevel next) {
        PressureLevel previous = level;
        level = next;
        if (previous != next) {
            MemoryStats s = stats();
            for (PressureListener l : listeners) {
                l.onPressureChange(previous, next, s);
            }
        }
    }

    void setUsed(long bytes) {
        used = bytes;
    }

    int gcRequests() {
        return gcRequests.get();
    }

    @Override
    public PressureLevel level() {
        return level;
    }

    @Override
    public MemoryStats stats() {
        long u = used + reserved.get();
        return new MemoryStats(System.currentTimeMillis(), u, u, budget, u, List.of(), 0, 0, reserved.get(),
                Map.of(), -1, -1, budget, u, level, -1, (double) u / budget, "manual");
    }

    @Override
    public long budgetBytes() {
        return budget;
    }

    @Override
    public Registration addListener(PressureListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Reservation tryReserve(long bytes) {
        long now = reserved.addAndGet(bytes);
        if (used + now > budget * 0.95) {
            reserved.addAndGet(-bytes);
            throw new MemoryPressureException("reservation", PressureLevel.CRITICAL, bytes, used + now - bytes,
                    budget, Duration.ofSeconds(1));
        }
        AtomicLong held = new AtomicLong(bytes);
        return new Reservation() {
            @Override
            public long bytes() {
                return bytes;
            }

            @Override
            public void release() {
                reserved.addAndGet(-held.getAndSet(0));
            }
        };
    }

    @Override
    public long reservedBytes() {
        return reserved.get();
    }

    @Override
    public Registration registerConsumer(String name, Residence residence, LongSupplier bytes) {
        return () -> { };
    }

    @Override
    public GcRequestResult requestGc() {
        gcRequests.incrementAndGet();
        return GcRequestResult.STARTED;
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
