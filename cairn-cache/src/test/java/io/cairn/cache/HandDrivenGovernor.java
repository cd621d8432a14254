package io.cairn.cache;

import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryStats;
import io.cairn.memory.PressureLevel;
import io.cairn.memory.PressureListener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A real {@link MemoryGovernor} whose level is set by the test: {@link #setLevel} notifies the
 * listeners synchronously on the calling thread, so reactions can be asserted right after.
 */
final class HandDrivenGovernor implements MemoryGovernor {
    private static final long BUDGET = 1L << 30;

    private volatile PressureLevel level = PressureLevel.NONE;
    private final List<PressureListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, LongSupplier> consumers = new ConcurrentHashMap<>();
    private final AtomicLong reserved = new AtomicLong();

    void setLevel(PressureLevel next) {
        PressureLevel previous = level;
        level = next;
        MemoryStats snapshot = stats();
        for (PressureListener l : listeners) {
            l.onPressureChange(previous, next, snapshot);
        }
    }

    int listenerCount() {
        return listeners.size();
    }

    /** Bytes reported by the named consumer now, or -1 if it is not registered. */
    long consumerBytes(String name) {
        LongSupplier s = consumers.get(name);
        return s == null ? -1 : s.getAsLong();
    }

    @Override
    public PressureLevel level() {
        return level;
    }

    /**
     * A snapshot with the level and the consumers filled in and every other figure "unknown".
     * Built reflectively so that this test double keeps compiling while the governor's record grows.
     */
    @Override
    public MemoryStats stats() {
        Map<String, Long> reported = new java.util.HashMap<>();
        consumers.forEach((k, v) -> reported.put(k, v.getAsLong()));
        try {
            var components = MemoryStats.class.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> t = components[i].getType();
                types[i] = t;
                String name = components[i].getName();
                args[i] = t == long.class ? (name.equals("budgetBytes") ? BUDGET : -1L)
                        : t == double.class ? 0.0
                        : t == int.class ? 0
                        : t == PressureLevel.class ? level
                        : t == List.class ? List.of()
                        : t == Map.class ? (name.equals("consumers") ? reported : Map.of())
                        : t == String.class ? "" : null;
            }
            return MemoryStats.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build MemoryStats", e);
        }
    }

    @Override
    public long budgetBytes() {
        return BUDGET;
    }

    @Override
    public Registration addListener(PressureListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Reservation tryReserve(long bytes) {
        reserved.addAndGet(bytes);
        return new Reservation() {
            private boolean released;

            @Override
            public long bytes() {
                return bytes;
            }

            @Override
            public synchronized void release() {
                if (!released) {
                    released = true;
                    reserved.addAndGet(-bytes);
                }
            }
        };
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
        return GcRequestResult.RATE_LIMITED;
    }

    @Override
    public void close() {
        listeners.clear();
        consumers.clear();
    }
}
