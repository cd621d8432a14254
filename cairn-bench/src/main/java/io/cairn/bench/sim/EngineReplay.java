package io.cairn.bench.sim;

import io.cairn.cache.Cache;
import io.cairn.cache.CacheBuilder;
import io.cairn.cache.EvictionPolicy;

import java.util.List;

/**
 * Cairn's cache engine under replay: one entry of weight 1 per key, so the capacity is in entries
 * as for the other policies. No executor is given, so all maintenance runs on the replaying thread
 * and a replay is deterministic.
 */
final class EngineReplay implements OnlinePolicy.ReplayCache {
    /** {@code default} is whatever the builder picks when no policy is named. */
    static final List<String> POLICIES = List.of("lru", "lfu", "arc", "wtinylfu", "sieve", "s3fifo", "adaptive", "default");

    private final Cache<Long, Boolean> cache;

    EngineReplay(String policy, int capacity) {
        CacheBuilder<Long, Boolean> b = CacheBuilder.<Long, Boolean>newBuilder()
                .name("replay-" + policy)
                .maximumWeight(capacity)
                .weigher((Long k, Boolean v) -> 1)
                .maintenanceExecutor(CacheBuilder.CALLING_THREAD); // exact, deterministic replay
        if (!policy.equals("default")) {
            b.evictionPolicy(EvictionPolicy.byName(policy));
        }
        this.cache = b.build();
    }

    @Override
    public boolean access(long key) {
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        cache.put(key, Boolean.TRUE);
        return false;
    }
}
