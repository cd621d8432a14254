package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The write path: buffered writes, applied by the eviction lock's holder or the maintenance executor. */
class WritePathTest {

    /** Another thread holds the eviction lock throughout; puts and invalidations must still complete. */
    @Test
    void aWriteDoesNotWaitForTheEvictionLock() throws Exception {
        Cache<Integer, Integer> c = CacheBuilder.<Integer, Integer>newBuilder()
                .maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100_000).build();
        try (HeldLock held = HeldLock.evictionLockOf(c)) {
            CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 500; i++) { // under the log's limits: no back-pressure yet
                    c.put(i, i);
                }
                c.invalidate(7);
            });
            writes.get(60, TimeUnit.SECONDS); // before the write log: every put waited for the lock
            assertThat(c.getIfPresent(3)).isEqualTo(3); // the table has the writes at once
            assertThat(c.getIfPresent(7)).isNull();
            assertThat(c.estimatedSize()).isEqualTo(499);
        }
        c.cleanUp();
        assertThat(c.weightedSize()).isEqualTo(499); // applied once the lock was free
    }

    /**
     * With a pool, the calling thread only logs, and schedules a drain per batch of writes; the
     * bound holds once the pool ran, and within the log's slack while it lags.
     */
    @Test
    void theMaintenanceExecutorAppliesWritesAndWritersPushBackWhenItLags() {
        ExpiryAndRefreshTest.ManualExecutor pool = new ExpiryAndRefreshTest.ManualExecutor();
        Cache<Integer, Integer> c = CacheBuilder.<Integer, Integer>newBuilder().maintenanceExecutor(pool)
                .maximumWeight(1_600).evictionPolicy(EvictionPolicy.LRU).build();
        for (int i = 0; i < LocalCache.WRITE_BATCH - 1; i++) {
            c.put(i, i);
        }
        assertThat(c.estimatedSize()).isEqualTo(LocalCache.WRITE_BATCH - 1);
        assertThat(c.weightedSize()).as("not applied before the pool runs").isZero();
        assertThat(pool.tasks).as("no drain before a batch is full").isEmpty();
        for (int i = LocalCache.WRITE_BATCH - 1; i < 40; i++) {
            c.put(i, i);
        }
        assertThat(pool.tasks).as("one drain scheduled for the batch and the writes after it").hasSize(1);
        assertThat(pool.runAll()).isEqualTo(1);
        assertThat(c.weightedSize()).isEqualTo(40);
        // the pool never runs now: past a sixteenth of the bound (100) in logged weight, writers apply the log
        for (int i = 40; i < 5_000; i++) {
            c.put(i, i);
            assertThat(c.estimatedSize()).as("after put %d", i).isLessThanOrEqualTo(1_600 + 101);
        }
        pool.runAll();
        assertThat(c.estimatedSize()).isEqualTo(1_600);
        assertThat(c.weightedSize()).isEqualTo(1_600);
        assertThat(c.getIfPresent(4_999)).isEqualTo(4_999); // LRU kept the newest
    }
}
