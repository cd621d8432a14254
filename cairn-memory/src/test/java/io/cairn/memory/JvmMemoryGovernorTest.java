package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.memory.MemoryGovernor.GcRequestResult;
import io.cairn.memory.MemoryGovernor.Residence;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The governor in the test JVM itself, where nothing is under pressure unless a test makes it so. */
class JvmMemoryGovernorTest {
    private final JvmMemoryGovernor governor = JvmMemoryGovernor.start(GovernorConfig.builder()
            .minDwell(Duration.ofMillis(100)).samplerInterval(Duration.ofMillis(100))
            .minSamplerInterval(Duration.ofMillis(20)).autoGcLevel(null).build());

    @AfterEach
    void close() {
        governor.close();
    }

    @Test
    void statsDescribeThisJvm() {
        MemoryStats s = governor.stats();
        assertThat(s.heapMax()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(s.heapUsed()).isPositive().isLessThanOrEqualTo(s.heapCommitted());
        assertThat(s.liveSetAfterGc()).isPositive();
        assertThat(s.collectors()).isNotEmpty();
        assertThat(s.budgetBytes()).isEqualTo(governor.budgetBytes());
        assertThat(s.usedBytes()).isGreaterThanOrEqualTo(s.liveSetAfterGc());
        assertThat(s.usageRatio()).isGreaterThan(0.0);
        assertThat(s.bindingLimit()).isIn(BindingLimit.BUDGET, BindingLimit.HEAP, BindingLimit.DIRECT,
                BindingLimit.NATIVE, BindingLimit.CONTAINER, BindingLimit.PROCESS, BindingLimit.HEAP_FAST_PATH);
        assertThat(s.level()).isEqualTo(governor.level());
    }

    @Test
    void derivedBudgetIsHeapPlusDirectCappedByTheContainer() {
        assertThat(JvmMemoryGovernor.deriveBudget(1000, 1000, -1)).isEqualTo(2000);
        assertThat(JvmMemoryGovernor.deriveBudget(1000, 1000, 1500)).isEqualTo(1500);
        assertThat(JvmMemoryGovernor.deriveBudget(1000, 500, 4000)).isEqualTo(1500);
        long containerLimit = OsMemory.containerLimitBytes();
        long heapAndDirect = governor.heapMaxBytes() + governor.stats().maxDirectBytes();
        assertThat(governor.budgetBytes())
                .isEqualTo(containerLimit > 0 ? Math.min(heapAndDirect, containerLimit) : heapAndDirect);
    }

    @Test
    void aHeapThatLeavesTooLittleOfTheContainerLimitIsWarnedAbout() {
        long mib = 1L << 20;
        assertThat(JvmMemoryGovernor.containerSizingWarning(1024 * mib, -1)).as("no container").isNull();
        assertThat(JvmMemoryGovernor.containerSizingWarning(160 * mib, 320 * mib)).as("160 MiB left").isNull();
        assertThat(JvmMemoryGovernor.containerSizingWarning(192 * mib, 320 * mib))
                .contains("heap max (192 MiB)", "leaves 128 MiB", "container memory limit (320 MiB)",
                        "-Xmx at most 160 MiB", "-XX:MaxRAM=" + 320 * mib);
        assertThat(JvmMemoryGovernor.containerSizingWarning(1024 * mib, 320 * mib)).contains("leaves nothing")
                .as("log scanners count OutOfMemoryError lines").doesNotContain("OutOfMemoryError");
    }

    @Test
    void aConfiguredBudgetIsUsedAsIs() {
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.builder().maxMemoryBytes(123_456_789).build())) {
            assertThat(g.budgetBytes()).isEqualTo(123_456_789);
        }
    }

    @Test
    void reservationsAreCountedUntilReleasedAndReleaseIsIdempotent() {
        MemoryGovernor.Reservation a = governor.tryReserve(1 << 20);
        MemoryGovernor.Reservation b = governor.tryReserve(3 << 20);
        assertThat(governor.reservedBytes()).isEqualTo(4 << 20);
        assertThat(governor.stats().reservedBytes()).isEqualTo(4 << 20);
        a.release();
        a.release();
        assertThat(governor.reservedBytes()).isEqualTo(3 << 20);
        b.close();
        assertThat(governor.reservedBytes()).isZero();
        assertThat(a.bytes()).isEqualTo(1 << 20);
    }

    @Test
    void aReservationThatWouldCrossCriticalIsRefusedWithItsNumbers() {
        long heapMax = governor.heapMaxBytes();
        assertThat(governor.wouldFit(heapMax)).isFalse();
        assertThat(governor.wouldFit(1024)).isTrue();
        assertThatThrownBy(() -> governor.tryReserve(heapMax))
                .isInstanceOfSatisfying(MemoryPressureException.class, e -> {
                    assertThat(e.requestedBytes()).isEqualTo(heapMax);
                    assertThat(e.budgetBytes()).isEqualTo(heapMax);
                    assertThat(e.usedBytes()).isPositive().isLessThan(heapMax);
                    assertThat(e.level()).isEqualTo(governor.level());
                    assertThat(e.retryAfter()).isPositive();
                    assertThat(e.getMessage()).contains("refused").contains(Long.toString(heapMax));
                });
        assertThat(governor.reservedBytes()).as("a refusal holds nothing").isZero();
    }

    @Test
    void negativeReservationsAreRejected() {
        assertThatThrownBy(() -> governor.tryReserve(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void offHeapConsumersCountAndHeapConsumersAreOnlyReported() {
        MemoryGovernor.Registration heap = governor.registerConsumer("heap-cache", Residence.HEAP, () -> 7L << 30);
        MemoryStats withHeapConsumer = governor.stats();
        assertThat(withHeapConsumer.consumers()).containsEntry("heap-cache", 7L << 30);
        assertThat(withHeapConsumer.usedBytes()).as("heap consumer not counted twice").isLessThan(7L << 30);

        MemoryGovernor.Registration off = governor.registerConsumer("off-heap-pool", Residence.OFF_HEAP, () -> 5L << 20);
        MemoryStats withOffHeap = governor.stats();
        assertThat(withOffHeap.consumers()).containsEntry("off-heap-pool", 5L << 20);
        assertThat(withOffHeap.usedBytes()).isGreaterThanOrEqualTo(withOffHeap.liveSetAfterGc() + (5L << 20));

        heap.close();
        off.close();
        off.close();
        assertThat(governor.stats().consumers()).isEmpty();
    }

    @Test
    void listenersHearTheLevelRiseAndFallAsAnOffHeapConsumerGrowsAndShrinks() {
        List<String> changes = new CopyOnWriteArrayList<>();
        governor.addListener((p, c, s) -> changes.add(p + ">" + c));
        AtomicLong offHeap = new AtomicLong();
        governor.registerConsumer("pool", Residence.OFF_HEAP, offHeap::get);

        offHeap.set(governor.budgetBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> governor.level() == PressureLevel.CRITICAL);
        assertThatThrownBy(() -> governor.tryReserve(1 << 20)).isInstanceOf(MemoryPressureException.class);

        offHeap.set(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> governor.level().ordinal() <= PressureLevel.LOW.ordinal());
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() >= 2);
        assertThat(changes.get(0)).endsWith(">CRITICAL");
        assertThat(changes.get(changes.size() - 1)).startsWith("CRITICAL>");
    }

    @Test
    void theGovernorRequestsACollectionItselfOnReachingTheAutoGcLevel() {
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.builder()
                .autoGcLevel(PressureLevel.HIGH).samplerInterval(Duration.ofMillis(100))
                .minSamplerInterval(Duration.ofMillis(20)).build())) {
            g.registerConsumer("pool", Residence.OFF_HEAP, () -> (long) ((g.budgetBytes() - g.heapMaxBytes()) * 0.80));
            await().atMost(Duration.ofSeconds(10)).until(() -> g.level() == PressureLevel.MEDIUM);
            assertThat(g.gcRequestsStarted()).as("MEDIUM is below the configured HIGH").isZero();
        }
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.builder()
                .autoGcLevel(PressureLevel.MEDIUM).samplerInterval(Duration.ofMillis(100))
                .minSamplerInterval(Duration.ofMillis(20)).build())) {
            g.registerConsumer("pool", Residence.OFF_HEAP, () -> (long) ((g.budgetBytes() - g.heapMaxBytes()) * 0.80));
            await().atMost(Duration.ofSeconds(10)).until(() -> g.gcRequestsStarted() == 1);
        }
    }

    @Test
    void aRiseMeasuredRightAfterAFullCollectionDoesNotAskForAnother() throws Exception {
        java.util.concurrent.atomic.AtomicLong pool = new java.util.concurrent.atomic.AtomicLong();
        try (JvmMemoryGovernor g = JvmMemoryGovernor.start(GovernorConfig.builder()
                .autoGcLevel(PressureLevel.MEDIUM).samplerInterval(Duration.ofMillis(50))
                .minSamplerInterval(Duration.ofMillis(20)).gcMinInterval(Duration.ofSeconds(30)).build())) {
            g.registerConsumer("pool", Residence.OFF_HEAP, pool::get);
            System.gc(); // a full collection under G1: the governor has a fresh live-set reading
            Thread.sleep(200);
            pool.set((long) ((g.budgetBytes() - g.heapMaxBytes()) * 0.80));
            await().atMost(Duration.ofSeconds(10)).until(() -> g.level() == PressureLevel.MEDIUM);
            Thread.sleep(300);
            assertThat(g.gcRequestsStarted()).as("no second full collection right after one").isZero();
        }
    }

    @Test
    void requestGcStartsOneCollectionThenRefusesUntilTheIntervalPasses() {
        GcRequestResult first = governor.requestGc();
        GcRequestResult second = governor.requestGc();
        assertThat(first).isEqualTo(GcRequestResult.STARTED);
        assertThat(second).isIn(GcRequestResult.IN_FLIGHT, GcRequestResult.RATE_LIMITED);
        assertThat(governor.gcRequestsStarted()).isEqualTo(1);
        assertThat(governor.explicitGcEffective()).isTrue();
    }

    @Test
    void closeIsIdempotentAndRemovesTheJmxListeners() throws Exception {
        List<JmxSignals.Subscription> added = governor.jmxListeners();
        assertThat(added).isNotEmpty();
        governor.close();
        governor.close();
        assertThat(governor.isClosed()).isTrue();
        for (JmxSignals.Subscription s : added) {
            assertThatThrownBy(() -> s.emitter().removeNotificationListener(s.listener()))
                    .isInstanceOf(javax.management.ListenerNotFoundException.class);
        }
    }
}
