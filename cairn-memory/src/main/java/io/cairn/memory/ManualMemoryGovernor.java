package io.cairn.memory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A governor whose level is set by hand rather than measured: for testing code that reacts to
 * pressure (a cache, a store, an application's own listener) deterministically, and for demos.
 *
 * <p>{@link #setLevel} notifies listeners synchronously, in subscription order, on the calling
 * thread, so a test can assert the reaction right after the call. Usage is what {@link #setUsed}
 * said plus outstanding reservations; a reservation that would take it past 95 % of the budget
 * (the default CRITICAL threshold) is refused, as {@link JvmMemoryGovernor} does.
 */
public final class ManualMemoryGovernor implements MemoryGovernor {
    private static final double CRITICAL = 0.95;

    private final long budget;
    private final List<PressureListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, LongSupplier> consumers = new ConcurrentHashMap<>();
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicInteger gcRequests = new AtomicInteger();
    private volatile PressureLevel level = PressureLevel.NONE;
    private volatile long used;

    /** @param budgetBytes the budget usage is measured against; must be positive */
    public ManualMemoryGovernor(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("budgetBytes must be positive, got " + budgetBytes);
        }
        this.budget = budgetBytes;
    }

    /** Moves to {@code next} and tells every listener, on this thread, before returning. */
    public synchronized void setLevel(PressureLevel next) {
        PressureLevel previous = level;
        level = next;
        if (previous != next) {
            MemoryStats snapshot = stats();
            for (PressureListener l : listeners) {
                l.onPressureChange(previous, next, snapshot);
            }
        }
    }

    /** Sets the bytes counted as used, besides reservations. Does not change the level. */
    public void setUsed(long bytes) {
        used = bytes;
    }

    /** How many times {@link #requestGc()} was called. */
    public int gcRequests() {
        return gcRequests.get();
    }

    public int listenerCount() {
        return listeners.size();
    }

    /** Bytes the named consumer reports now, or -1 if no consumer of that name is registered. */
    public long consumerBytes(String name) {
        LongSupplier s = consumers.get(name);
        return s == null ? -1 : s.getAsLong();
    }

    @Override
    public PressureLevel level() {
        return level;
    }

    @Override
    public MemoryStats stats() {
        Map<String, Long> reported = new HashMap<>();
        consumers.forEach((name, bytes) -> reported.put(name, bytes.getAsLong()));
        long r = reserved.get();
        long u = used + r;
        return MemoryStats.builder()
                .timestampMillis(System.currentTimeMillis())
                .heap(used, used, budget)
                .liveSetAfterGc(used)
                .reservedBytes(r)
                .consumers(reported)
                .budgetBytes(budget)
                .usedBytes(u)
                .level(level)
                .usageRatio((double) u / budget)
                .binding(BindingLimit.MANUAL, u, budget)
                .build();
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
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve a negative number of bytes: " + bytes);
        }
        long now = reserved.addAndGet(bytes);
        if (used + now > budget * CRITICAL) {
            reserved.addAndGet(-bytes);
            throw new MemoryPressureException("reservation of " + bytes + " bytes refused", BindingLimit.MANUAL,
                    used + now - bytes, budget, bytes, level, Duration.ofSeconds(1));
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
    public boolean wouldFit(long bytes) {
        return used + reserved.get() + bytes <= budget * CRITICAL;
    }

    @Override
    public long reservedBytes() {
        return reserved.get();
    }

    @Override
    public Registration registerConsumer(String name, Residence residence, LongSupplier bytes) {
        consumers.put(name, bytes);
        return () -> consumers.remove(name, bytes);
    }

    @Override
    public GcRequestResult requestGc() {
        gcRequests.incrementAndGet();
        return GcRequestResult.STARTED;
    }

    @Override
    public void close() {
        listeners.clear();
        consumers.clear();
    }
}
