package io.cairn.blockstore;

import io.cairn.memory.ManualMemoryGovernor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.cache.GovernanceConfig;
import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multicodec;
import io.cairn.memory.PressureLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingBlockstoreTest {

    /** A real store that counts what reaches it. */
    static final class CountingBlockstore extends ForwardingBlockstore {
        final AtomicInteger has = new AtomicInteger();
        final AtomicInteger get = new AtomicInteger();
        final AtomicInteger getSize = new AtomicInteger();
        final AtomicInteger view = new AtomicInteger();

        CountingBlockstore(Blockstore delegate) {
            super(delegate);
        }

        @Override
        public boolean has(Cid cid) {
            has.incrementAndGet();
            return super.has(cid);
        }

        @Override
        public Block get(Cid cid) {
            get.incrementAndGet();
            return super.get(cid);
        }

        @Override
        public int getSize(Cid cid) {
            getSize.incrementAndGet();
            return super.getSize(cid);
        }

        @Override
        public <T> T view(Cid cid, java.util.function.Function<java.nio.ByteBuffer, T> reader) {
            view.incrementAndGet();
            return super.view(cid, reader);
        }
    }

    private static Block block(String text) {
        return Block.raw(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final CachingBlockstore.Options SMALL = CachingBlockstore.Options.defaults()
            .withContentCacheBytes(1 << 20).withMetadataCacheEntries(1_000);

    @Test
    void repeatedReadsAreServedFromTheContentCache() {
        CountingBlockstore base = new CountingBlockstore(new MemoryBlockstore(BlockSizeLimit.DEFAULT));
        try (CachingBlockstore store = CachingBlockstore.wrap(base, SMALL)) {
            Block b = block("hello cache");
            store.put(b);
            for (int i = 0; i < 5; i++) {
                assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            assertThat(base.get).hasValue(1);
            assertThat(store.contentCacheStats().hits()).isEqualTo(4);
        }
    }

    @Test
    void theSameBytesUnderAnotherCodecShareTheCacheEntryButKeepTheirCid() {
        CountingBlockstore base = new CountingBlockstore(new MemoryBlockstore(BlockSizeLimit.DEFAULT));
        try (CachingBlockstore store = CachingBlockstore.wrap(base, SMALL)) {
            Block raw = block("two codecs");
            store.put(raw);
            Cid asDagPb = Cid.v1(Multicodec.DAG_PB, raw.cid().multihash());
            assertThat(store.get(raw.cid()).cid()).isEqualTo(raw.cid());
            assertThat(store.get(asDagPb).cid()).isEqualTo(asDagPb);
            assertThat(base.get).hasValue(1);
        }
    }

    @Test
    void missingBlocksAreRememberedUntilWritten() {
        CountingBlockstore base = new CountingBlockstore(new MemoryBlockstore(BlockSizeLimit.DEFAULT));
        try (CachingBlockstore store = CachingBlockstore.wrap(base, SMALL)) {
            Block b = block("not yet");
            for (int i = 0; i < 3; i++) {
                assertThat(store.has(b.cid())).isFalse();
                assertThatThrownBy(() -> store.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
                assertThatThrownBy(() -> store.getSize(b.cid())).isInstanceOf(BlockNotFoundException.class);
            }
            assertThat(base.has).hasValue(1);
            assertThat(base.get.get() + base.getSize.get()).isZero();

            store.put(b);
            assertThat(store.has(b.cid())).isTrue();
            assertThat(store.getSize(b.cid())).isEqualTo(b.size());
            assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
        }
    }

    @Test
    void sizesAreRememberedAndDeletesForgetEverything() {
        CountingBlockstore base = new CountingBlockstore(new MemoryBlockstore(BlockSizeLimit.DEFAULT));
        try (CachingBlockstore store = CachingBlockstore.wrap(base, SMALL)) {
            Block b = block("sized");
            store.put(b);
            assertThat(store.getSize(b.cid())).isEqualTo(b.size());
            assertThat(store.getSize(b.cid())).isEqualTo(b.size());
            assertThat(base.getSize).hasValue(1);
            store.get(b.cid());

            assertThat(store.delete(b.cid())).isTrue();
            assertThat(store.has(b.cid())).isFalse();
            assertThatThrownBy(() -> store.get(b.cid())).isInstanceOf(BlockNotFoundException.class);
            assertThat(store.delete(b.cid())).isFalse();
        }
    }

    @Test
    void theContentCacheStaysWithinItsByteBound() {
        long bound = 256 * 1024;
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT),
                SMALL.withContentCacheBytes(bound))) {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                byte[] data = new byte[16 * 1024];
                data[0] = (byte) i;
                data[1] = (byte) (i >> 8);
                blocks.add(Block.raw(data));
            }
            store.putMany(blocks);
            for (Block b : blocks) {
                assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes());
            }
            store.cleanUp();
            assertThat(store.cachedBytes()).isPositive().isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void bloomFilterAnswersDefiniteNegativesOnceBuiltAndNeverHidesABlock() {
        MemoryBlockstore raw = new MemoryBlockstore(BlockSizeLimit.DEFAULT);
        List<Block> existing = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Block b = block("existing " + i);
            raw.put(b);
            existing.add(b);
        }
        CountingBlockstore base = new CountingBlockstore(raw);
        try (CachingBlockstore store = CachingBlockstore.wrap(base,
                SMALL.withMetadataCacheEntries(0).withBloom(10_000, 0.001))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.bloomStatus() == CachingBlockstore.BloomStatus.READY);
            for (Block b : existing) {
                assertThat(store.has(b.cid())).isTrue();
            }
            int before = base.has.get();
            for (int i = 0; i < 500; i++) {
                assertThat(store.has(block("absent " + i).cid())).isFalse();
            }
            // At 0.1 % only a handful of the 500 absent keys may slip past the filter to the store.
            assertThat(base.has.get() - before).isLessThan(10);

            Block later = block("written after the build");
            store.put(later);
            assertThat(store.has(later.cid())).isTrue();
            assertThat(store.get(later.cid()).bytes()).isEqualTo(later.bytes());
        }
    }

    @Test
    void aClosedStoreSaysSoWithTheStoresOwnError() {
        CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), SMALL);
        Block b = block("closed");
        store.put(b);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.get(b.cid())).isInstanceOf(StoreClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.has(b.cid())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.getSize(b.cid())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.put(b)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.delete(b.cid())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.view(b.cid(), java.nio.ByteBuffer::remaining)).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void withoutBloomTheStatusSaysSo() {
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), SMALL)) {
            assertThat(store.bloomStatus()).isEqualTo(CachingBlockstore.BloomStatus.DISABLED);
        }
    }

    /**
     * Lookups of a key racing its own put must never leave "absent" behind: every block whose put
     * returned is visible to has/getSize/get afterwards.
     */
    @Test
    void lookupsRacingWritesNeverCacheAStaleAbsence() throws Exception {
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), SMALL)) {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                blocks.add(block("raced " + i));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (Block b : blocks) {
                        store.put(b);
                    }
                    return null;
                }));
                for (int t = 0; t < 3; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < 3; round++) {
                            for (int i = offset; i < blocks.size(); i += 3) {
                                Cid cid = blocks.get(i).cid();
                                store.has(cid);
                                try {
                                    store.getSize(cid);
                                } catch (BlockNotFoundException expected) {
                                    // not written yet
                                }
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(1, TimeUnit.MINUTES);
                }
            }
            for (Block b : blocks) {
                assertThat(store.has(b.cid())).as("has %s", b.cid()).isTrue();
                assertThat(store.getSize(b.cid())).isEqualTo(b.size());
            }
        }
    }

    /** Parks a lookup after the store answered and before the cache hears of it. */
    static final class GatedBlockstore extends ForwardingBlockstore {
        final CountDownLatch answered = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);

        GatedBlockstore(Blockstore delegate) {
            super(delegate);
        }

        @Override
        public boolean has(Cid cid) {
            boolean result = super.has(cid);
            answered.countDown();
            try {
                proceed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return result;
        }
    }

    /** The exact interleaving the epoch check exists for, forced rather than hoped for. */
    @Test
    void aLookupThatAnsweredBeforeAPutCannotRecordAbsenceAfterIt() throws Exception {
        GatedBlockstore gated = new GatedBlockstore(new MemoryBlockstore(BlockSizeLimit.DEFAULT));
        try (CachingBlockstore store = CachingBlockstore.wrap(gated, SMALL);
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Block b = block("interleaved");
            Future<Boolean> lookup = pool.submit(() -> store.has(b.cid()));
            assertThat(gated.answered.await(10, TimeUnit.SECONDS)).isTrue();
            store.put(b);                 // completes while the lookup holds a stale "absent"
            gated.proceed.countDown();
            assertThat(lookup.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(store.getSize(b.cid())).isEqualTo(b.size());
            assertThat(store.has(b.cid())).isTrue();
        }
    }

    @Test
    void governedCachesEmptyAtCriticalAndStopAdmittingAtHigh() {
        ManualMemoryGovernor governor = new ManualMemoryGovernor(1L << 30);
        try (CachingBlockstore store = CachingBlockstore.wrap(new MemoryBlockstore(BlockSizeLimit.DEFAULT), SMALL,
                governor, GovernanceConfig.defaults())) {
            Block a = block("a");
            Block b = block("b");
            store.put(a);
            store.put(b);
            store.get(a.cid());
            assertThat(store.contentCacheStats().entries()).isEqualTo(1);

            governor.setLevel(PressureLevel.CRITICAL);
            store.cleanUp();
            assertThat(store.contentCacheStats().entries()).isZero();

            governor.setLevel(PressureLevel.HIGH);
            assertThat(store.get(b.cid()).bytes()).isEqualTo(b.bytes()); // reads still served
            store.cleanUp();
            assertThat(store.contentCacheStats().entries()).isZero();
        }
    }
}
