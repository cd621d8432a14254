package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.cairn.cid.Cid;

/**
 * Concurrent misses of one CID make one load of the store below, for get, view and open alike; a
 * miss that begins after a write to the key does not take the answer of a load begun before it.
 */
class CachingCoalescedMissTest {
    static final int THREADS = 8;
    static final CachingBlockstore.Options OPTIONS = CachingBlockstore.Options.defaults()
            .withContentCacheBytes(8 << 20).withMetadataCacheEntries(1_000);

    /** Counts reads and holds each one until released. */
    static final class GatedStore extends ForwardingBlockstore {
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        GatedStore(Blockstore delegate) {
            super(delegate);
        }

        private void gate() {
            reads.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Block get(Cid cid) {
            gate();
            return super.get(cid);
        }

        @Override
        public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
            gate();
            return super.view(cid, reader);
        }
    }

    static Block block(int size, int seed) {
        byte[] d = new byte[size];
        new java.util.Random(seed).nextBytes(d);
        return Block.raw(d);
    }

    /** Waits until every thread is parked (in the store below or waiting for another's load) or done. */
    static void awaitParked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.TERMINATED)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("threads did not park");
    }

    interface Read {
        byte[] read(CachingBlockstore store, Cid cid);
    }

    void oneLoadFor(Read read) throws Exception {
        MemoryBlockstore base = new MemoryBlockstore();
        Block b = block(100_000, 1);
        base.put(b);
        GatedStore gated = new GatedStore(base);
        try (CachingBlockstore store = CachingBlockstore.wrap(gated, OPTIONS)) {
            List<Thread> threads = new ArrayList<>();
            List<byte[]> got = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < THREADS; i++) {
                threads.add(Thread.ofPlatform().start(() -> got.add(read.read(store, b.cid()))));
            }
            awaitParked(threads);
            gated.release.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(got).hasSize(THREADS).allSatisfy(bytes -> assertThat(bytes).isEqualTo(b.bytes()));
            assertThat(gated.reads).as("loads of the store below").hasValue(1);
        }
    }

    @Test
    void concurrentGetsOfOneMissingBlockLoadItOnce() throws Exception {
        oneLoadFor((store, cid) -> store.get(cid).bytes());
    }

    @Test
    void concurrentViewsOfOneMissingBlockLoadItOnce() throws Exception {
        oneLoadFor((store, cid) -> store.view(cid, buf -> {
            byte[] out = new byte[buf.remaining()];
            buf.duplicate().get(out);
            return out;
        }));
    }

    @Test
    void concurrentOpensOfOneMissingBlockLoadItOnce() throws Exception {
        oneLoadFor((store, cid) -> {
            try (BlockBytes bytes = store.open(cid)) {
                return bytes.copy();
            }
        });
    }

    @Test
    void aMissAfterADeleteDoesNotJoinALoadBegunBeforeIt() throws Exception {
        MemoryBlockstore base = new MemoryBlockstore();
        Block b = block(10_000, 2);
        base.put(b);
        GatedStore gated = new GatedStore(base);
        try (CachingBlockstore store = CachingBlockstore.wrap(gated, OPTIONS)) {
            AtomicReference<Object> early = new AtomicReference<>();
            Thread first = Thread.ofPlatform().start(() -> early.set(answer(store, b.cid())));
            awaitParked(List.of(first));
            assertThat(store.delete(b.cid())).isTrue(); // acknowledged before the second read begins
            AtomicReference<Object> late = new AtomicReference<>();
            Thread second = Thread.ofPlatform().start(() -> late.set(answer(store, b.cid())));
            awaitParked(List.of(first, second));
            gated.release.countDown();
            first.join();
            second.join();
            assertThat(late.get()).as("a read begun after the delete was acknowledged").isEqualTo("absent");
            assertThat(gated.reads).hasValue(2);
        }
    }

    static Object answer(CachingBlockstore store, Cid cid) {
        try {
            return store.get(cid).bytes();
        } catch (BlockNotFoundException e) {
            return "absent";
        }
    }
}
