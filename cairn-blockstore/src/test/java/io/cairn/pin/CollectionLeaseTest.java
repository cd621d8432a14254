package io.cairn.pin;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the collector uses a {@link CollectionLease}: held elsewhere, nothing runs; lost, the sweep stops. */
class CollectionLeaseTest {
    /** A lease under the test's control. */
    static final class TestLease implements CollectionLease {
        volatile boolean heldElsewhere;
        final AtomicBoolean valid = new AtomicBoolean(true);
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        @Override
        public Optional<Held> tryAcquire() {
            if (heldElsewhere) {
                return Optional.empty();
            }
            acquired.incrementAndGet();
            return Optional.of(new Held() {
                @Override
                public boolean valid() {
                    return valid.get();
                }

                @Override
                public void close() {
                    released.incrementAndGet();
                }
            });
        }

        @Override
        public Optional<String> holder() {
            return heldElsewhere ? Optional.of("node-b") : Optional.empty();
        }
    }

    private static MemoryBlockstore storeWith(int blocks) {
        MemoryBlockstore store = new MemoryBlockstore();
        Random r = new Random(7);
        for (int i = 0; i < blocks; i++) {
            store.put(GarbageCollectorTest.random(64, r));
        }
        return store;
    }

    @Test
    void aLeaseHeldElsewhereStartsNothing() {
        MemoryBlockstore store = storeWith(10);
        TestLease lease = new TestLease();
        lease.heldElsewhere = true;
        GarbageCollector gc = new GarbageCollector(store, PinStore.inMemory(), new SweepGuard(), lease);
        assertThatThrownBy(gc::collect).isInstanceOf(CollectionBusyException.class)
                .hasMessageContaining("another node").hasMessageContaining("node-b");
        try (var keys = store.allKeys()) {
            assertThat(keys.count()).as("nothing deleted").isEqualTo(10);
        }
        lease.heldElsewhere = false;
        assertThat(gc.collect().removedBlocks()).isEqualTo(10);
        assertThat(lease.acquired).hasValue(1);
        assertThat(lease.released).as("released after the collection").hasValue(1);
    }

    @Test
    void aLostLeaseStopsTheSweepBeforeItsNextBatch() {
        int blocks = GarbageCollector.BATCH * 3;
        MemoryBlockstore store = storeWith(blocks);
        TestLease lease = new TestLease();
        AtomicInteger deleted = new AtomicInteger();
        GarbageCollector gc = new GarbageCollector(store, PinStore.inMemory(), new SweepGuard(), lease);
        assertThatThrownBy(() -> gc.collect(cid -> {
            if (deleted.incrementAndGet() == GarbageCollector.BATCH) {
                lease.valid.set(false); // the renewal failed during the first batch
            }
        })).isInstanceOf(GcException.class).hasMessageContaining("lease expired");
        assertThat(deleted).as("only the first batch was deleted").hasValue(GarbageCollector.BATCH);
        try (var keys = store.allKeys()) {
            assertThat(keys.count()).isEqualTo(blocks - GarbageCollector.BATCH);
        }
        assertThat(lease.released).hasValue(1);
    }

    @Test
    void theLocalLeaseIsAlwaysGranted() {
        MemoryBlockstore store = storeWith(3);
        assertThat(new GarbageCollector(store, PinStore.inMemory(), new SweepGuard()).collect().removedBlocks()).isEqualTo(3);
        assertThat(CollectionLease.local().tryAcquire()).isPresent();
    }
}
