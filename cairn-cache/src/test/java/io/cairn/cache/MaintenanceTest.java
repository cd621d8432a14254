package io.cairn.cache;

import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, defect 1: after a pressure episode the bound must come back with reads alone, and with
 * no traffic at all, on the cache's own timer. Time is a fake ticker and the timer a hand-run
 * scheduler, so nothing here waits on the wall clock.
 */
class MaintenanceTest {

    private static Cache<Integer, Integer> governed(ManualMemoryGovernor g, FakeTicker ticker, ManualScheduler s) {
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("maint").maximumWeight(1000)
                .weigher((Integer k, Integer v) -> 10).governedBy(g, GovernanceConfig.defaults())
                .ticker(ticker).scheduler(s).build();
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
        }
        return c;
    }

    @Test
    void readsAloneRestoreTheBoundAfterPressure() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        Cache<Integer, Integer> c = governed(g, ticker, ManualScheduler.never());
        g.setLevel(PressureLevel.CRITICAL);
        g.setLevel(PressureLevel.NONE);
        assertThat(c.policy().effectiveMaximum()).isEqualTo(250);
        // 20 s of get(k, loader) traffic, 1,000 requests per simulated second, no put, no cleanUp
        for (int ms = 0; ms < 20_000; ms++) {
            ticker.advance(Duration.ofMillis(1));
            int k = ms % 200;
            c.get(k, key -> key);
        }
        assertThat(c.policy().effectiveMaximum()).isEqualTo(1000);
        c.close();
    }

    @Test
    void hitsAloneRestoreTheBound() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        Cache<Integer, Integer> c = governed(g, ticker, ManualScheduler.never());
        g.setLevel(PressureLevel.HIGH);
        g.setLevel(PressureLevel.NONE);
        long before = c.policy().effectiveMaximum();
        assertThat(before).isLessThan(1000);
        for (int ms = 0; ms < 5_000; ms++) {
            ticker.advance(Duration.ofMillis(1));
            c.getIfPresent(ms % 10); // whatever survived or not: a read, hit or miss
        }
        assertThat(c.policy().effectiveMaximum()).isEqualTo(1000);
        c.close();
    }

    @Test
    void anIdleCacheRestoresItsBoundOnItsTimer() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        ManualScheduler s = new ManualScheduler();
        Cache<Integer, Integer> c = governed(g, ticker, s);
        g.setLevel(PressureLevel.CRITICAL);
        g.setLevel(PressureLevel.NONE);
        assertThat(c.policy().effectiveMaximum()).isEqualTo(250);
        assertThat(s.pending()).isEqualTo(1);               // the next step is paced, not polled
        assertThat(s.nextDelay()).isEqualTo(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            ticker.advance(Duration.ofSeconds(1));
            s.runDue();
        }
        assertThat(c.policy().effectiveMaximum()).isEqualTo(1000);
        assertThat(s.pending()).isZero();                   // nothing left to do: no timer
        c.close();
    }

    @Test
    void anIdleCacheExpiresOnItsTimer() {
        FakeTicker ticker = new FakeTicker();
        ManualScheduler s = new ManualScheduler();
        Recorder<Integer, Integer> rec = new Recorder<>();
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000).ticker(ticker).scheduler(s)
                .expireAfterWrite(Duration.ofSeconds(10)).removalListener(rec).build();
        c.put(1, 1);
        assertThat(s.pending()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(11));
        s.runDue();
        assertThat(rec.keys(RemovalCause.EXPIRED)).containsExactly(1);
        assertThat(c.estimatedSize()).isZero();
        assertThat(s.pending()).isZero();
        c.close();
    }

    @Test
    void aClosedCacheStopsItsTimer() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        ManualScheduler s = new ManualScheduler();
        Cache<Integer, Integer> c = governed(g, ticker, s);
        g.setLevel(PressureLevel.CRITICAL);
        g.setLevel(PressureLevel.NONE);
        c.close();
        ticker.advance(Duration.ofSeconds(5));
        s.runDue();
        assertThat(s.pending()).isZero();
    }
}
