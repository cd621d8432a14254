package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a block/stat answered "present" about 70 ms after block/rm had answered "removed". The
 * way there, forced here step by step: reader 1 starts loading a block (and is slow); the block is
 * deleted and the delete acknowledged; reader 2 then asks for it, joins reader 1's load, gets the
 * bytes read before the delete, and recorded "present" with its size in the has/size cache, where
 * it stayed. The mirror case (a load that began before a put, failing with not-found, handed to a
 * reader that began after the put was acknowledged) answered 404 for an acknowledged block.
 */
class CachingStaleAfterWriteTest {

    /** A store whose get can be held, after it has read the block, until released. */
    static final class SlowGet extends ForwardingBlockstore {
        volatile CountDownLatch entered;
        volatile CountDownLatch release;

        SlowGet(Blockstore delegate) {
            super(delegate);
        }

        @Override
        public Block get(Cid cid) {
            CountDownLatch r = release;
            if (r == null) {
                return super.get(cid);
            }
            RuntimeException failure = null;
            Block b = null;
            try {
                b = super.get(cid);
            } catch (RuntimeException e) {
                failure = e;
            }
            entered.countDown();
            try {
                r.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return b;
        }
    }

    @Test
    void aReaderArrivingAfterAnAcknowledgedDeleteNeverSeesTheBlock() throws Exception {
        SlowGet slow = new SlowGet(new MemoryBlockstore());
        try (CachingBlockstore store = CachingBlockstore.wrap(slow, CachingBlockstore.Options.defaults())) {
            Block block = Block.raw("deleted while a slow read was in flight".getBytes());
            store.put(block);
            hold(slow);
            CompletableFuture<Block> first = CompletableFuture.supplyAsync(() -> store.get(block.cid()));
            assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(store.delete(block.cid())).isTrue();
            AtomicReference<Object> second = new AtomicReference<>();
            Thread reader2 = Thread.ofPlatform().start(() -> second.set(outcome(() -> store.get(block.cid()))));
            awaitBlocked(reader2);
            slow.release.countDown();
            first.get(10, TimeUnit.SECONDS); // concurrent with the delete: either answer is fine
            reader2.join(10_000);

            assertThat(second.get()).as("a get that began after the delete was acknowledged")
                    .isInstanceOf(BlockNotFoundException.class);
            slow.release = null;
            assertThat(store.has(block.cid())).isFalse();
            assertThatThrownBy(() -> store.getSize(block.cid())).isInstanceOf(BlockNotFoundException.class);
        }
    }

    @Test
    void aReaderArrivingAfterAnAcknowledgedPutNeverMissesTheBlock() throws Exception {
        SlowGet slow = new SlowGet(new MemoryBlockstore());
        try (CachingBlockstore store = CachingBlockstore.wrap(slow, CachingBlockstore.Options.defaults())) {
            Block block = Block.raw("put while a slow miss was in flight".getBytes());
            hold(slow);
            CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> outcome(() -> store.get(block.cid())));
            assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();

            store.put(block);
            AtomicReference<Object> second = new AtomicReference<>();
            Thread reader2 = Thread.ofPlatform().start(() -> second.set(outcome(() -> store.get(block.cid()))));
            awaitBlocked(reader2);
            slow.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            reader2.join(10_000);

            assertThat(second.get()).as("a get that began after the put was acknowledged").isInstanceOf(Block.class);
            slow.release = null;
            assertThat(store.has(block.cid())).isTrue();
            assertThat(store.getSize(block.cid())).isEqualTo(block.size());
        }
    }

    private static void hold(SlowGet slow) {
        slow.entered = new CountDownLatch(1);
        slow.release = new CountDownLatch(1);
    }

    private static Object outcome(java.util.function.Supplier<Block> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Waits (bounded) until the thread parks: it has joined the load in flight, or is reading itself. */
    private static void awaitBlocked(Thread t) throws InterruptedException {
        for (int i = 0; i < 1000 && t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING; i++) {
            Thread.sleep(5);
        }
        assertThat(t.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
    }
}
