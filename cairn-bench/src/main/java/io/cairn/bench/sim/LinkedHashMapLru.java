package io.cairn.bench.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The textbook LRU: an access-ordered {@link LinkedHashMap} that drops its eldest entry past the
 * capacity. It is the oracle the reference LRU numbers in traces/README.md were measured with,
 * so the engine's own {@code lru} can be checked against it.
 */
final class LinkedHashMapLru implements OnlinePolicy.ReplayCache {
    private final Map<Long, Boolean> map;

    LinkedHashMapLru(int capacity) {
        this.map = new LinkedHashMap<>(Math.min(capacity, 1 << 20) * 4 / 3 + 1, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public boolean access(long key) {
        if (map.get(key) != null) {
            return true;
        }
        map.put(key, Boolean.TRUE);
        return false;
    }
}
