package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadingTest {

    @Test
    void concurrentMissesOnOneKeyRunOneLoad() throws Exception {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).recordStats().build();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            results.add(pool.submit(() -> c.get("k", k -> {
                calls.incrementAndGet();
                loaderEntered.countDown();
                await(release);
                return "loaded";
            })));
            assertThat(loaderEntered.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < threads; i++) {
                results.add(pool.submit(() -> c.get("k", k -> {
                    calls.incrementAndGet();
                    return "second load";
                })));
            }
            // Let the joiners reach the in-flight load before it completes (bounded wait).
            Thread.sleep(100);
            release.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isIn("loaded");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasValue(1);
        assertThat(c.getIfPresent("k")).isEqualTo("loaded");
        CacheStats s = c.stats();
        assertThat(s.loadSuccessCount()).isEqualTo(1);
        assertThat(s.missCount() + s.hitCount()).isEqualTo(threads + 1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailingLoadReachesEveryWaiterAndCachesNothing() throws Exception {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).recordStats().build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> c.get("k", k -> {
                entered.countDown();
                await(release);
                throw new IllegalStateException("store down");
            }));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            Future<String> second = pool.submit(() -> c.get("k", k -> "never used"));
            Thread.sleep(100);
            release.countDown();
            assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("store down");
            // The second caller either joined the failing load or ran its own after it.
            try {
                assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("never used");
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e).hasRootCauseMessage("store down");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.stats().loadFailureCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void nullFromTheLoaderIsReturnedButNotCached() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).recordStats().build();
        assertThat(c.get("k", k -> null)).isNull();
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.get("k", k -> "v")).isEqualTo("v");
        assertThat(c.getIfPresent("k")).isEqualTo("v");
        assertThat(c.stats().loadFailureCount()).isEqualTo(1);
        assertThat(c.stats().loadSuccessCount()).isEqualTo(1);
    }

    @Test
    void aRecursiveLoadOfTheSameKeyFailsClearly() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).build();
        assertThatThrownBy(() -> c.get("k", k -> c.get("k", k2 -> "inner")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recursive load of key k");
        assertThat(c.estimatedSize()).isZero();
    }

    @Test
    void anInvalidationDuringTheLoadKeepsTheLoadedValueOutOfTheCache() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).build();
        String v = c.get("k", k -> {
            c.invalidate("k"); // e.g. the store changed while we were reading it
            return "stale";
        });
        assertThat(v).isEqualTo("stale");
        assertThat(c.getIfPresent("k")).isNull();
    }

    @Test
    void aPutDuringTheLoadWins() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).build();
        c.get("k", k -> {
            c.put("k", "fresh");
            return "loaded-before-the-put";
        });
        assertThat(c.getIfPresent("k")).isEqualTo("fresh");
    }

    @Test
    void loadsAreNotRetainedWhileNotAdmitting() {
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).build();
        c.policy().setAdmitting(false);
        assertThat(c.get("k", k -> "v")).isEqualTo("v");
        c.put("p", "v");
        assertThat(c.estimatedSize()).isZero();
        c.policy().setAdmitting(true);
        c.put("p", "v");
        assertThat(c.estimatedSize()).isEqualTo(1);
    }
}
