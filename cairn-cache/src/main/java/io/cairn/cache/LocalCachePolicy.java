package io.cairn.cache;

/**
 * The run-time view and control a {@link LocalCache} hands out as {@link Cache#policy()}: its own
 * object, so that the engine's other methods stay out of reach of whoever holds the policy.
 */
final class LocalCachePolicy implements CachePolicy {
    private final LocalCache<?, ?> cache;

    LocalCachePolicy(LocalCache<?, ?> cache) {
        this.cache = cache;
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
        cache.setAdmitting(admitting);
    }

    @Override
    public long pendingWrites() {
        return cache.pendingWrites();
    }

    @Override
    public long writeFailures() {
        return cache.writeFailures();
    }

    @Override
    public String toString() {
        return "CachePolicy[" + cache.name() + ", " + cache.evictionPolicy().shortName() + "]";
    }
}
