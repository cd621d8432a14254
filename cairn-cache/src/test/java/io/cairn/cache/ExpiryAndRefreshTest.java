package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiryAndRefreshTest {

    /** Runs tasks only when the test says so. */
    static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable command) {
            tasks.add(command);
        }

        synchronized int runAll() {
            int n = 0;
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
                n++;
            }
            return n;
        }
    }

    @Test
    void expireAfterWrite() {
        FakeTicker ticker = new FakeTicker();
        Recorder<String, String> rec = new Recorder<>();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterWrite(Duration.ofSeconds(10)).ticker(ticker).removalListener(rec).recordStats().build();
        c.put("a", "1");
        ticker.advance(Duration.ofSeconds(9));
        assertThat(c.getIfPresent("a")).isEqualTo("1");   // reads do not extend a write lifetime
        ticker.advance(Duration.ofSeconds(1));
        assertThat(c.getIfPresent("a")).isNull();
        assertThat(rec.keys(RemovalCause.EXPIRED)).containsExactly("a");
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.stats().hitCount()).isEqualTo(1);
        assertThat(c.stats().missCount()).isEqualTo(1);
        assertThat(c.stats().removals(RemovalCause.EXPIRED)).isEqualTo(1);
    }

    @Test
    void expireAfterAccessIsExtendedByReads() {
        FakeTicker ticker = new FakeTicker();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterAccess(Duration.ofSeconds(10)).ticker(ticker).build();
        c.put("a", "1");
        c.put("b", "2");
        for (int i = 0; i < 5; i++) {
            ticker.advance(Duration.ofSeconds(6));
            assertThat(c.getIfPresent("a")).isEqualTo("1");
        }
        assertThat(c.getIfPresent("b")).isNull();
        ticker.advance(Duration.ofSeconds(10));
        c.cleanUp();
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.weightedSize()).isZero();
    }

    @Test
    void cleanUpExpiresWithoutReads() {
        FakeTicker ticker = new FakeTicker();
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .expireAfterWrite(Duration.ofMinutes(1)).ticker(ticker).build();
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
            ticker.advance(Duration.ofMillis(100));
        }
        ticker.advance(Duration.ofMillis(54_950)); // now T0 + 64.95 s: keys 0..49 (written at T0 + 0.1 i) are a minute old
        c.cleanUp();
        assertThat(c.estimatedSize()).isEqualTo(50);
        assertThat(c.getIfPresent(49)).isNull();
        assertThat(c.getIfPresent(50)).isEqualTo(50);
    }

    @Test
    void refreshAheadReloadsOnceInTheBackgroundAndServesTheOldValueMeanwhile() {
        FakeTicker ticker = new FakeTicker();
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger reloads = new AtomicInteger();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterWrite(Duration.ofSeconds(10))
                .refreshAheadAt(0.5, (String k) -> k + "-v" + reloads.incrementAndGet())
                .executor(executor).ticker(ticker).recordStats().build();
        c.put("a", "a-v0");
        ticker.advance(Duration.ofSeconds(4));
        assertThat(c.getIfPresent("a")).isEqualTo("a-v0");
        assertThat(executor.tasks).isEmpty();              // before half its lifetime: no refresh
        ticker.advance(Duration.ofSeconds(2));
        assertThat(c.getIfPresent("a")).isEqualTo("a-v0"); // old value served...
        assertThat(c.getIfPresent("a")).isEqualTo("a-v0");
        assertThat(executor.tasks).hasSize(1);             // ...and one refresh for both reads
        assertThat(executor.runAll()).isEqualTo(1);
        assertThat(c.getIfPresent("a")).isEqualTo("a-v1");
        assertThat(executor.tasks).isEmpty();              // the lifetime restarted with the reload
        ticker.advance(Duration.ofSeconds(9));
        assertThat(c.getIfPresent("a")).isEqualTo("a-v1"); // would have expired without the refresh
        assertThat(executor.runAll()).isEqualTo(1);
        assertThat(reloads).hasValue(2);
        assertThat(c.stats().loadSuccessCount()).isEqualTo(2);
    }

    @Test
    void aPutDuringARefreshWinsOverTheReload() {
        FakeTicker ticker = new FakeTicker();
        ManualExecutor executor = new ManualExecutor();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterWrite(Duration.ofSeconds(10))
                .refreshAheadAt(0.5, (String k) -> "reloaded")
                .executor(executor).ticker(ticker).build();
        c.put("a", "old");
        ticker.advance(Duration.ofSeconds(6));
        c.getIfPresent("a");
        c.put("a", "newer");
        executor.runAll();
        assertThat(c.getIfPresent("a")).isEqualTo("newer");
    }

    @Test
    void aFailingRefreshKeepsTheOldValueUntilItExpires() {
        FakeTicker ticker = new FakeTicker();
        ManualExecutor executor = new ManualExecutor();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterWrite(Duration.ofSeconds(10))
                .refreshAheadAt(0.5, (String k) -> {
                    throw new IllegalStateException("store down");
                })
                .executor(executor).ticker(ticker).recordStats().build();
        c.put("a", "old");
        ticker.advance(Duration.ofSeconds(6));
        assertThat(c.getIfPresent("a")).isEqualTo("old");
        executor.runAll();
        assertThat(c.getIfPresent("a")).isEqualTo("old");
        assertThat(c.stats().loadFailureCount()).isEqualTo(1);
        executor.runAll(); // the second read above may start another attempt: still one at a time
        ticker.advance(Duration.ofSeconds(4));
        assertThat(c.getIfPresent("a")).isNull();
    }

    @Test
    void writingOverAnExpiredEntryReportsTheExpiry() {
        FakeTicker ticker = new FakeTicker();
        Recorder<String, String> rec = new Recorder<>();
        Cache<String, String> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100)
                .expireAfterWrite(Duration.ofSeconds(1)).ticker(ticker).removalListener(rec).build();
        c.put("a", "1");
        ticker.advance(Duration.ofSeconds(2));
        c.put("a", "2");
        assertThat(rec.events).containsExactly(new Recorder.Event<>("a", "1", RemovalCause.EXPIRED));
        assertThat(c.get("a", k -> "loaded")).isEqualTo("2");
    }
}
