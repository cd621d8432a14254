package io.cairn.blockstore;

import io.cairn.memory.ManualMemoryGovernor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.cid.Cid;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.PressureLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryAwareBlockstoreTest {
    private static final long BUDGET = 100L << 20;

    private static Block block(String text) {
        return Block.raw(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MemoryAwareConfig config() {
        return MemoryAwareConfig.builder()
                .retryAfter(Duration.ofSeconds(2))
                .caching(CachingBlockstore.Options.defaults().withContentCacheBytes(8 << 20))
                .build();
    }

    @Test
    void criticalRefusesWritesWithARetryableErrorAndKeepsServingReads() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config())) {
            Block before = block("stored before the pressure");
            store.put(before);

            governor.setUsed(BUDGET * 96 / 100);
            governor.setLevel(PressureLevel.CRITICAL);
            assertThat(store.degradationLevel()).isEqualTo(4);

            Block refused = block("refused");
            assertThatThrownBy(() -> store.put(refused))
                    .isInstanceOfSatisfying(MemoryPressureException.class, e -> {
                        assertThat(e.level()).isEqualTo(PressureLevel.CRITICAL);
                        assertThat(e.requestedBytes()).isEqualTo(refused.size());
                        assertThat(e.budgetBytes()).isEqualTo(BUDGET);
                        assertThat(e.usedBytes()).isGreaterThanOrEqualTo(BUDGET * 96 / 100);
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                    })
                    .hasMessageContaining("refused");
            assertThatThrownBy(() -> store.putMany(List.of(block("x"), block("y"))))
                    .isInstanceOf(MemoryPressureException.class);
            assertThat(store.rejectedOps()).isEqualTo(2);
            assertThat(store.has(refused.cid())).as("a refused write stores nothing").isFalse();

            assertThat(store.get(before.cid()).bytes()).isEqualTo(before.bytes());
            assertThat(store.getSize(before.cid())).isEqualTo(before.size());

            governor.setUsed(BUDGET / 10);
            governor.setLevel(PressureLevel.NONE);
            assertThat(store.degradationLevel()).isZero();
            store.put(refused);
            assertThat(store.get(refused.cid()).bytes()).isEqualTo(refused.bytes());
        }
    }

    @Test
    void aWriteWhoseBytesTheCallerReservedIsNotRefusedAgain() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config());
             Blockstore above = new ForwardingBlockstore(store) { }) {
            governor.setUsed(BUDGET * 96 / 100);
            governor.setLevel(PressureLevel.CRITICAL);
            Block admitted = block("an upload whose body was reserved before it was read");
            assertThatThrownBy(() -> above.put(admitted)).isInstanceOf(MemoryPressureException.class);

            // Through a layer above, as the server writes through its metrics layer.
            MemoryAwareBlockstore.writeReserved(admitted.size(), () -> above.put(admitted));
            assertThat(store.get(admitted.cid()).bytes()).isEqualTo(admitted.bytes());

            Block bigger = block("more bytes than the caller reserved for it");
            assertThatThrownBy(() -> MemoryAwareBlockstore.writeReserved(bigger.size() - 1, () -> above.put(bigger)))
                    .isInstanceOf(MemoryPressureException.class);
            assertThat(store.has(bigger.cid())).isFalse();
            assertThatThrownBy(() -> store.put(block("outside the scope again")))
                    .isInstanceOf(MemoryPressureException.class);
            assertThat(store.rejectedOps()).isEqualTo(3);
            assertThatThrownBy(() -> MemoryAwareBlockstore.writeReserved(-1, () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        }
    }

    @Test
    void aWriteThatWouldCrossCriticalIsRefusedBeforeTheLevelGetsThere() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config())) {
            governor.setUsed(BUDGET * 94 / 100);
            governor.setLevel(PressureLevel.HIGH);
            byte[] big = new byte[(int) (BUDGET * 2 / 100)];
            assertThatThrownBy(() -> store.put(Block.raw(big))).isInstanceOf(MemoryPressureException.class);
            store.put(block("small enough"));
            assertThat(store.rejectedOps()).isEqualTo(1);
            assertThat(governor.reservedBytes()).as("reservations are given back").isZero();
        }
    }

    @Test
    void risingPressureRequestsCollectionAndStopsCaching() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config())) {
            Block a = block("a");
            store.put(a);
            governor.setLevel(PressureLevel.LOW);
            assertThat(governor.gcRequests()).isZero();
            governor.setLevel(PressureLevel.MEDIUM);
            assertThat(governor.gcRequests()).isEqualTo(1);
            governor.setLevel(PressureLevel.HIGH);
            assertThat(store.cacheDisabledCount()).isEqualTo(1);
            assertThat(store.cleanupOps()).isGreaterThanOrEqualTo(2);

            assertThat(store.get(a.cid()).bytes()).isEqualTo(a.bytes());
            store.cachingLayer().cleanUp();
            assertThat(store.cachingLayer().contentCacheStats().entries()).as("HIGH admits nothing").isZero();

            governor.setLevel(PressureLevel.NONE);
            store.get(a.cid());
            store.cachingLayer().cleanUp();
            assertThat(store.cachingLayer().contentCacheStats().entries()).as("caching resumes").isEqualTo(1);
        }
    }

    @Test
    void withRejectionOffCriticalStillAcceptsWrites() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        MemoryAwareConfig lenient = MemoryAwareConfig.builder().rejectWritesOnCritical(false).build();
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, lenient)) {
            governor.setLevel(PressureLevel.CRITICAL);
            Block b = block("accepted anyway");
            store.put(b);
            assertThat(store.has(b.cid())).isTrue();
            assertThat(store.rejectedOps()).isZero();
        }
    }

    @Test
    void keepsTheViewAndGcLockOfWhatItWraps() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        try (MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config())) {
            Block b = block("viewed");
            store.put(b);
            assertThat(store).isInstanceOf(Viewer.class).isInstanceOf(GcLocker.class);
            int size = store.view(b.cid(), java.nio.ByteBuffer::remaining);
            assertThat(size).isEqualTo(b.size());
            try (GcLocker.Unlock pin = store.pinLock()) {
                assertThat(store.gcRequested()).isFalse();
            }
            Cid identity = Cid.parse("bafkqaaa");
            assertThat(store.has(identity)).isTrue();
            assertThat(store.getSize(identity)).isZero();
        }
    }

    @Test
    void closingUnsubscribesFromTheGovernor() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(BUDGET);
        MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor, config());
        store.close();
        governor.setLevel(PressureLevel.MEDIUM);
        assertThat(governor.gcRequests()).as("a closed store no longer reacts").isZero();
    }

    @Test
    void configRejectsNonsenseWithTheSettingsName() {
        assertThatThrownBy(() -> MemoryAwareConfig.builder().maxMemoryBytes(-1))
                .hasMessageContaining("maxMemoryBytes");
        assertThatThrownBy(() -> MemoryAwareConfig.builder().cleanupAggressiveness(11))
                .hasMessageContaining("cleanupAggressiveness");
        assertThatThrownBy(() -> MemoryAwareConfig.builder().checkInterval(Duration.ZERO))
                .hasMessageContaining("checkInterval");
        assertThatThrownBy(() -> MemoryAwareConfig.builder().retryAfter(Duration.ofSeconds(-1)))
                .hasMessageContaining("retryAfter");
    }
}
