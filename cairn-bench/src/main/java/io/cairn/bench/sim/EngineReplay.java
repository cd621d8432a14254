package io.cairn.bench.sim;

import java.util.List;

/** Cairn's cache engine under replay, one entry of weight 1 per key. */
final class EngineReplay implements OnlinePolicy.ReplayCache {
    static final List<String> POLICIES = List.of("lru", "lfu", "arc", "wtinylfu");

    EngineReplay(String policy, int capacity) {
        throw new UnsupportedOperationException("the cache engine (io.cairn.cache) is not built yet; policy "
                + policy + " unavailable");
    }

    @Override
    public boolean access(long key) {
        throw new UnsupportedOperationException();
    }
}
