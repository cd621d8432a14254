package io.cairn.bench.sim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine itself, the baseline. Maintenance runs on the calling thread and is forced after every
 * access, so evictions happen at the same point of the replay each time and the result does not
 * depend on scheduling. (Caffeine's admission keeps a 1-in-128 random admit of warm candidates
 * against hash flooding, so two replays can still differ in the last decimal.)
 */
final class CaffeineReplay implements OnlinePolicy.ReplayCache {
    private final Cache<Long, Boolean> cache;

    CaffeineReplay(int capacity) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(capacity)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public boolean access(long key) {
        boolean hit = cache.getIfPresent(key) != null;
        if (!hit) {
            cache.put(key, Boolean.TRUE);
        }
        cache.cleanUp();
        return hit;
    }
}
