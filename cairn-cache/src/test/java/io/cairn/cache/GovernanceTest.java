package io.cairn.cache;

import io.cairn.memory.ManualMemoryGovernor;
import io.cairn.memory.PressureLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reactions to the governor's levels, driven by hand so every step can be asserted. */
class GovernanceTest {

    private static Cache<Integer, Integer> governed(ManualMemoryGovernor g, GovernanceConfig config,
                                                    FakeTicker ticker, Recorder<Integer, Integer> rec) {
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).name("governed").maximumWeight(1000)
                .weigher((Integer k, Integer v) -> 10).governedBy(g, config).ticker(ticker)
                .removalListener(rec).recordStats().build();
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
        }
        assertThat(c.weightedSize()).isEqualTo(1000);
        return c;
    }

    @Test
    void defaultsTrimAdmitAndEmptyPerLevel() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        Recorder<Integer, Integer> rec = new Recorder<>();
        Cache<Integer, Integer> c = governed(g, GovernanceConfig.defaults(), new FakeTicker(), rec);

        g.setLevel(PressureLevel.LOW);
        assertThat(c.weightedSize()).isEqualTo(1000);

        g.setLevel(PressureLevel.MEDIUM);
        assertThat(c.policy().effectiveMaximum()).isEqualTo(750);
        assertThat(c.weightedSize()).isEqualTo(750);
        assertThat(c.policy().isAdmitting()).isTrue();
        assertThat(rec.keys(RemovalCause.PRESSURE)).hasSize(25);

        g.setLevel(PressureLevel.HIGH);
        assertThat(c.weightedSize()).isEqualTo(250);
        assertThat(c.policy().isAdmitting()).isFalse();
        c.put(1000, 1000);
        assertThat(c.getIfPresent(1000)).isNull();        // not retained at HIGH

        g.setLevel(PressureLevel.CRITICAL);
        assertThat(c.estimatedSize()).isZero();
        assertThat(c.weightedSize()).isZero();
        assertThat(c.stats().removals(RemovalCause.PRESSURE)).isEqualTo(100);
        assertThat(c.stats().evictionWeight()).isEqualTo(1000);
        assertThat(c.policy().maximum()).isEqualTo(1000); // the configured bound is untouched
        c.close();
    }

    @Test
    void theBoundIsRestoredStepByStepAsPressureFalls() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        FakeTicker ticker = new FakeTicker();
        Cache<Integer, Integer> c = governed(g, GovernanceConfig.defaults(), ticker, new Recorder<>());
        g.setLevel(PressureLevel.CRITICAL);
        assertThat(c.policy().effectiveMaximum()).isZero();

        g.setLevel(PressureLevel.NONE);
        assertThat(c.policy().isAdmitting()).isTrue();
        assertThat(c.policy().effectiveMaximum()).isEqualTo(250);  // one step (25 %) at once
        c.cleanUp();
        assertThat(c.policy().effectiveMaximum()).isEqualTo(250);  // the next only after the interval
        ticker.advance(Duration.ofSeconds(1));
        c.cleanUp();
        assertThat(c.policy().effectiveMaximum()).isEqualTo(500);
        ticker.advance(Duration.ofSeconds(1));
        c.put(1, 1);                                                // writes run the maintenance too
        assertThat(c.policy().effectiveMaximum()).isEqualTo(750);
        ticker.advance(Duration.ofSeconds(1));
        c.cleanUp();
        assertThat(c.policy().effectiveMaximum()).isEqualTo(1000);
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
        }
        assertThat(c.weightedSize()).isEqualTo(1000);
        c.close();
    }

    @Test
    void aggressivenessScalesEveryCut() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        GovernanceConfig doubled = GovernanceConfig.builder().aggressiveness(2.0).build();
        Cache<Integer, Integer> c = governed(g, doubled, new FakeTicker(), new Recorder<>());
        g.setLevel(PressureLevel.MEDIUM);
        assertThat(c.weightedSize()).isEqualTo(500);        // cut 25 % x 2
        g.setLevel(PressureLevel.HIGH);
        assertThat(c.weightedSize()).isZero();              // cut 75 % x 2, clamped
        c.close();

        ManualMemoryGovernor g2 = new ManualMemoryGovernor(1L << 30);
        GovernanceConfig gentle = GovernanceConfig.builder().aggressiveness(0.5)
                .retainFraction(PressureLevel.LOW, 0.9).admit(PressureLevel.HIGH, true).build();
        Cache<Integer, Integer> c2 = governed(g2, gentle, new FakeTicker(), new Recorder<>());
        g2.setLevel(PressureLevel.LOW);
        assertThat(c2.weightedSize()).isEqualTo(950);       // configured 10 % cut, halved
        g2.setLevel(PressureLevel.HIGH);
        assertThat(c2.weightedSize()).isEqualTo(620);       // 1 - 0.75 * 0.5 = 62.5 % -> 620 in steps of 10
        assertThat(c2.policy().isAdmitting()).isTrue();
        c2.close();
    }

    @Test
    void reportsItsBytesToTheGovernorAndUnsubscribesOnClose() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        Cache<Integer, Integer> c = governed(g, GovernanceConfig.defaults(), new FakeTicker(), new Recorder<>());
        assertThat(g.consumerBytes("governed")).isEqualTo(1000);
        assertThat(g.stats().consumers()).containsEntry("governed", 1000L);
        c.invalidate(1);
        assertThat(g.consumerBytes("governed")).isEqualTo(990);
        assertThat(g.listenerCount()).isEqualTo(1);
        c.close();
        assertThat(g.listenerCount()).isZero();
        assertThat(g.consumerBytes("governed")).isEqualTo(-1);
        g.setLevel(PressureLevel.CRITICAL);                 // no longer heard
        assertThat(c.weightedSize()).isEqualTo(990);
    }

    @Test
    void aCacheBuiltUnderPressureStartsTrimmed() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        g.setLevel(PressureLevel.HIGH);
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(1000)
                .governedBy(g, GovernanceConfig.defaults()).build();
        assertThat(c.policy().effectiveMaximum()).isEqualTo(250);
        assertThat(c.policy().isAdmitting()).isFalse();
        c.close();
    }

    @Test
    void largeTrimsRunInBatchesAndReportEveryEntry() {
        ManualMemoryGovernor g = new ManualMemoryGovernor(1L << 30);
        Recorder<Integer, Integer> rec = new Recorder<>();
        Cache<Integer, Integer> c = CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(5000)
                .governedBy(g, GovernanceConfig.defaults()).removalListener(rec)
                .ticker(new FakeTicker()).build(); // the restore timer must not add steps meanwhile
        for (int i = 0; i < 5000; i++) {
            c.put(i, i);
        }
        g.setLevel(PressureLevel.CRITICAL);             // several batches of 1,024
        assertThat(c.estimatedSize()).isZero();
        assertThat(rec.keys(RemovalCause.PRESSURE)).hasSize(5000).doesNotHaveDuplicates();
        g.setLevel(PressureLevel.NONE);
        for (int i = 0; i < 5000; i++) {
            c.put(i, i);
        }
        c.invalidateAll();                                // also batched
        assertThat(rec.keys(RemovalCause.EXPLICIT)).hasSize(1250); // the restored first step: 25 %
        assertThat(c.estimatedSize()).isZero();
        c.close();
    }

    @Test
    void configValidation() {
        assertThatThrownBy(() -> GovernanceConfig.builder().aggressiveness(-1))
                .hasMessageContaining("aggressiveness must be in [0, 10], got -1.0");
        assertThatThrownBy(() -> GovernanceConfig.builder().retainFraction(PressureLevel.MEDIUM, 1.5))
                .hasMessageContaining("retainFraction must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> GovernanceConfig.builder().restoreStep(0))
                .hasMessageContaining("restoreStep must be in (0, 1]");
        GovernanceConfig d = GovernanceConfig.defaults();
        assertThat(d.effectiveRetainFraction(PressureLevel.MEDIUM)).isEqualTo(0.75);
        assertThat(d.effectiveRetainFraction(PressureLevel.HIGH)).isEqualTo(0.25);
        assertThat(d.effectiveRetainFraction(PressureLevel.CRITICAL)).isEqualTo(0.0);
        assertThat(d.action(PressureLevel.HIGH).admit()).isFalse();
        assertThat(d.action(PressureLevel.HIGH).forceWriteThrough()).isTrue();
    }
}
