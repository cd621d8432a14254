package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million put/get/invalidate cycles must leave nothing behind: no entries, no weight, no in-flight
 * bookkeeping, no queued writes and, after close, no threads.
 */
class LeakTest {

    @Test
    void aMillionCyclesLeaveNothingBehind() throws Exception {
        int threadsBefore = Thread.activeCount();
        WriteBehindTest.RecordingStore store = new WriteBehindTest.RecordingStore() {
            @Override
            public void write(String key, String value) {
            }

            @Override
            public void delete(String key) {
            }
        };
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1 << 20)
                .weigher(Weigher.bytesWithOverhead((String v) -> 2L * v.length()))
                .expireAfterAccess(Duration.ofMinutes(5))
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindBatch(512, Duration.ofMillis(10)).recordStats().build();
        for (int i = 0; i < 1_000_000; i++) {
            String key = "k" + (i & 1023);
            c.put(key, "v" + i);
            c.get(key, k -> "loaded");
            c.getIfPresent(key);
            c.invalidate(key);
        }
        c.cleanUp();
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.weightedSize()).isZero();
        Object loading = internal(((WritingCache<?, ?>) c).engine(), LocalCache.class, "loading", Object.class);
        assertThat((Map<?, ?>) internal(loading, Loading.class, "loads", Map.class)).isEmpty();
        assertThat((Set<?>) internal(loading, Loading.class, "refreshing", Set.class)).isEmpty();
        c.close();
        assertThat(c.policy().pendingWrites()).isZero();
        assertThat(c.stats().hitCount()).isEqualTo(2_000_000);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
    }

    private static <T> T internal(Object owner, Class<?> in, String field, Class<T> type)
            throws ReflectiveOperationException {
        Field f = in.getDeclaredField(field);
        f.setAccessible(true);
        return type.cast(f.get(owner));
    }
}
