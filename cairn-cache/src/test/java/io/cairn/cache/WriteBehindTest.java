package io.cairn.cache;

import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WriteBehindTest {

    /** A store that records every operation in order. */
    static class RecordingStore implements CacheWriter<String, String> {
        final List<String> log = new CopyOnWriteArrayList<>();
        final Map<String, String> data = new ConcurrentHashMap<>();

        @Override
        public void write(String key, String value) throws Exception {
            log.add("put " + key + "=" + value);
            data.put(key, value);
        }

        @Override
        public void delete(String key) throws Exception {
            log.add("delete " + key);
            data.remove(key);
        }
    }

    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void writeThroughWritesBeforeTheCacheAndFailuresLeaveTheCacheUnchanged() {
        AtomicInteger failNext = new AtomicInteger();
        RecordingStore store = new RecordingStore() {
            @Override
            public void write(String key, String value) throws Exception {
                if (failNext.getAndSet(0) == 1) {
                    throw new IOException("disk full");
                }
                super.write(key, value);
            }
        };
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .writer(store, WritePolicy.WRITE_THROUGH).build();
        c.put("a", "1");
        assertThat(store.data).containsEntry("a", "1");
        failNext.set(1);
        assertThatThrownBy(() -> c.put("a", "2")).isInstanceOf(CacheWriteException.class)
                .hasMessageContaining("key a").hasRootCauseMessage("disk full");
        assertThat(c.getIfPresent("a")).isEqualTo("1");
        assertThat(c.policy().writeFailures()).isEqualTo(1);
        c.invalidate("a");
        assertThat(store.data).doesNotContainKey("a");
        assertThat(store.log).containsExactly("put a=1", "delete a");
        c.close();
    }

    @Test
    void acknowledgesBeforeTheStoreAndFlushesInOrderOnClose() {
        RecordingStore store = new RecordingStore();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND).writeBehindBatch(1000, NEVER).build();
        for (int i = 1; i <= 100; i++) {
            c.put("k" + (i % 7), "v" + i);
        }
        c.invalidate("k3");
        assertThat(c.getIfPresent("k1")).isEqualTo("v99");
        assertThat(store.log).isEmpty();                 // nothing flushed yet: acknowledged from the queue
        assertThat(c.policy().pendingWrites()).isEqualTo(101);
        c.close();                                        // flush on close
        assertThat(c.policy().pendingWrites()).isZero();
        Map<String, String> expected = new java.util.HashMap<>();
        for (int i = 1; i <= 100; i++) {
            expected.put("k" + (i % 7), "v" + i);
        }
        expected.remove("k3");
        assertThat(store.data).isEqualTo(expected);
        assertThat(store.log).last().isEqualTo("delete k3");
        assertThatThrownBy(() -> c.put("x", "y")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theFlusherKeepsPerKeyOrderAcrossBatches() {
        RecordingStore store = new RecordingStore();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindBatch(3, Duration.ofMillis(5)).build();
        for (int i = 1; i <= 300; i++) {
            c.put("k", String.valueOf(i));
            c.put("other" + (i % 5), String.valueOf(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c.policy().pendingWrites() == 0);
        int last = 0;
        for (String entry : store.log) {
            if (entry.startsWith("put k=")) {
                int v = Integer.parseInt(entry.substring("put k=".length()));
                assertThat(v).isGreaterThan(last);
                last = v;
            }
        }
        assertThat(store.data).containsEntry("k", "300");
        c.close();
    }

    @Test
    void aFullQueueFallsBackToASynchronousWriteAfterTheQueuedOnes() throws Exception {
        CountDownLatch flusherBlocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingStore store = new RecordingStore() {
            @Override
            public void write(String key, String value) throws Exception {
                if (Thread.currentThread().getName().startsWith("cairn-cache-write-behind")
                        && flusherBlocked.getCount() > 0) {
                    flusherBlocked.countDown();
                    assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                }
                super.write(key, value);
            }
        };
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindQueue(2).writeBehindBatch(2, NEVER).build();
        c.put("k1", "1");
        c.put("k2", "2");                                  // a full batch wakes the flusher...
        assertThat(flusherBlocked.await(10, TimeUnit.SECONDS)).isTrue(); // ...which blocks in the store
        c.put("k3", "3");
        c.put("k4", "4");                                  // the queue is full again
        Thread caller = Thread.ofPlatform().start(() -> c.put("k5", "5"));
        caller.join(300);
        assertThat(caller.isAlive()).as("the overflowing put waits for the store").isTrue();
        release.countDown();
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        // When the put returned, its value was in the store, after everything queued before it.
        assertThat(store.log).containsExactly("put k1=1", "put k2=2", "put k3=3", "put k4=4", "put k5=5");
        assertThat(c.policy().pendingWrites()).isZero();
        c.close();
    }

    @Test
    void failedFlushesAreRetriedWithBackoffAndReported() {
        AtomicInteger failures = new AtomicInteger(3);
        RecordingStore store = new RecordingStore() {
            @Override
            public void write(String key, String value) throws Exception {
                if (failures.getAndDecrement() > 0) {
                    throw new IOException("store unavailable");
                }
                super.write(key, value);
            }
        };
        List<String> reports = new CopyOnWriteArrayList<>();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindBatch(10, Duration.ofMillis(10))
                .writeBehindRetry(Duration.ofMillis(5), Duration.ofMillis(20))
                .writeFailureListener((keys, cause, attempt, willRetry) ->
                        reports.add(keys + " " + cause.getMessage() + " #" + attempt + " " + willRetry))
                .build();
        c.put("a", "1");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.data.containsKey("a"));
        assertThat(reports).containsExactly("[a] store unavailable #1 true", "[a] store unavailable #2 true",
                "[a] store unavailable #3 true");
        assertThat(c.policy().writeFailures()).isEqualTo(3);
        assertThat(c.policy().pendingWrites()).isZero();
        c.close();
    }

    @Test
    void writesThatCannotBeFlushedByTheCloseTimeoutAreReportedAndCloseFails() {
        RecordingStore store = new RecordingStore() {
            @Override
            public void write(String key, String value) throws Exception {
                throw new IOException("gone for good");
            }
        };
        List<String> abandoned = new CopyOnWriteArrayList<>();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindBatch(10, NEVER)
                .writeBehindRetry(Duration.ofMillis(5), Duration.ofMillis(20))
                .writeBehindCloseTimeout(Duration.ofMillis(300))
                .writeFailureListener((keys, cause, attempt, willRetry) -> {
                    if (!willRetry) {
                        abandoned.addAll(keys);
                    }
                })
                .build();
        c.put("a", "1");
        c.put("b", "2");
        assertThatThrownBy(c::close).isInstanceOf(CacheWriteException.class)
                .hasMessageContaining("2 queued writes could not be flushed");
        assertThat(abandoned).containsExactly("a", "b");
    }

    @Test
    void aMissIsAnsweredFromTheQueueNotFromTheStaleStore() {
        RecordingStore store = new RecordingStore();
        store.data.put("a", "old");
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND).writeBehindBatch(100, NEVER).build();
        c.put("a", "new");
        c.invalidateAll();                                 // e.g. trimmed under pressure
        assertThat(c.get("a", store.data::get)).isEqualTo("new");
        c.invalidate("a");
        assertThat(c.get("a", store.data::get)).isNull();  // a queued delete answers "absent"
        c.close();
        assertThat(store.data).doesNotContainKey("a");
    }

    @Test
    void underHighPressureWriteBehindBecomesWriteThrough() {
        RecordingStore store = new RecordingStore();
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .writer(store, WritePolicy.WRITE_BEHIND).writeBehindBatch(100, NEVER)
                .governedBy(governor, GovernanceConfig.defaults()).build();
        c.put("a", "1");
        assertThat(store.log).isEmpty();
        governor.setLevel(PressureLevel.HIGH);
        c.put("b", "2");
        // Synchronous now, and the older queued write went first.
        assertThat(store.log).containsExactly("put a=1", "put b=2");
        assertThat(c.policy().pendingWrites()).isZero();
        governor.setLevel(PressureLevel.NONE);
        c.put("c", "3");
        assertThat(store.log).hasSize(2);                  // queued again
        c.close();
        assertThat(store.log).containsExactly("put a=1", "put b=2", "put c=3");
    }

    @Test
    void manyWritersLeaveTheStoreAgreeingWithTheCache() throws Exception {
        RecordingStore store = new RecordingStore();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10_000)
                .writer(store, WritePolicy.WRITE_BEHIND)
                .writeBehindQueue(16).writeBehindBatch(8, Duration.ofMillis(1)).build();
        int threads = 4;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(id);
                for (int i = 0; i < 8_000; i++) {
                    String key = "k" + rnd.nextInt(50);
                    if (rnd.nextInt(10) == 0) {
                        c.invalidate(key);
                    } else {
                        c.put(key, id + ":" + i);
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join(60_000);
            assertThat(w.isAlive()).isFalse();
        }
        c.close();
        // Nothing was evicted (the bound is far away), so the store must hold exactly the cache's view.
        for (int k = 0; k < 50; k++) {
            String key = "k" + k;
            assertThat(store.data.get(key)).as(key).isEqualTo(c.getIfPresent(key));
        }
    }

    @Test
    void removalListenersRunAfterTheKeyLockIsReleased() {
        RecordingStore store = new RecordingStore();
        java.util.concurrent.atomic.AtomicReference<Cache<String, String>> ref = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean otherWriterFinished = new java.util.concurrent.atomic.AtomicBoolean();
        ref.set(CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .writer(store, WritePolicy.WRITE_THROUGH)
                .removalListener((String k, String v, RemovalCause cause) -> {
                    if (cause == RemovalCause.REPLACED && v.equals("first")) {
                        // Another thread writes the same key: it would wait forever for the key's
                        // lock if we were still holding it.
                        Thread t = Thread.ofPlatform().start(() -> ref.get().put("a", "from-listener"));
                        try {
                            t.join(10_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        otherWriterFinished.set(!t.isAlive());
                    }
                }).build());
        Cache<String, String> c = ref.get();
        c.put("a", "first");
        c.put("a", "second");
        assertThat(otherWriterFinished).isTrue();
        assertThat(c.getIfPresent("a")).isEqualTo("from-listener");
        assertThat(store.data).containsEntry("a", "from-listener");
        c.close();
    }

    @Test
    void closeStopsTheFlusherThread() {
        RecordingStore store = new RecordingStore();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("stopping").maximumWeight(10)
                .writer(store, WritePolicy.WRITE_BEHIND).build();
        c.put("a", "1");
        assertThat(flusherThreads("stopping")).hasSize(1);
        c.close();
        assertThat(flusherThreads("stopping")).isEmpty();
    }

    private static List<Thread> flusherThreads(String cacheName) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("cairn-cache-write-behind-" + cacheName) && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }
}
