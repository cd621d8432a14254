package io.cairn.cache;

/**
 * The run-time view and control a {@link LocalCache} hands out as {@link Cache#policy()}: its own
 * object, so that the engine's other methods stay out of reach of whoever holds the policy. A write
 * decorator supplies the write counters; without one they are zero.
 */
final class LocalCachePolicy implements CachePolicy {
    private final LocalCache<?, ?> cache;
    private final WriteCounters writes; // null: no writer

    /** What a write decorator counts. */
    interface WriteCounters {
        long pendingWrites();

        long writeFailures();
    }

    LocalCachePolicy(LocalCache<?, ?> cache, WriteCounters writes) {
        this.cache = cache;
        this.writes = writes;
    }

    @Override
    public long maximum() {
        return cache.maximum();
    }

    @Override
    public void setMaximum(long maxWeight) {
        cache.setMaximum(maxWeight);
    }

    @Override
    public long effectiveMaximum() {
        return cache.effectiveMaximum();
    }

    @Override
    public EvictionPolicy evictionPolicy() {
        return cache.evictionPolicy();
    }

    @Override
    public boolean isAdmitting() {
        return cache.isAdmitting();
    }

    @Override
    public void setAdmitting(boolean admitting) {
        cache.governance().setAdmitting(admitting);
    }

    @Override
    public long pendingWrites() {
        return writes == null ? 0 : writes.pendingWrites();
    }

    @Override
    public long writeFailures() {
        return writes == null ? 0 : writes.writeFailures();
    }

    @Override
    public String toString() {
        return "CachePolicy[" + cache.name() + ", " + cache.evictionPolicy().shortName() + "]";
    }
}
