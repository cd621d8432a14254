package io.cairn.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Striped, bounded, lossy buffer of reads waiting to be applied to the eviction policy. Readers
 * never take the cache's lock: they append here (a CAS on their stripe's counter) and the lock
 * holder replays the stripes in order. A full or contended stripe refuses the read; the caller then
 * tries to drain it itself and, if the lock is busy, the read is dropped. Losing some reads under
 * contention only blurs recency/frequency a little, whereas blocking readers on the policy's lock
 * would serialize every hit (the trade-off Caffeine makes too). On one thread nothing is ever lost:
 * the lock is always free, so a full stripe is drained before the read is recorded.
 */
final class ReadBuffer<E> {
    static final int SUCCESS = 0;
    static final int FULL = 1;
    static final int CONTENDED = 2;

    private static final int STRIPE_SIZE = 16;
    private static final int STRIPE_MASK = STRIPE_SIZE - 1;

    private final Stripe<E>[] stripes;
    private final int stripeMask;

    @SuppressWarnings({"unchecked", "rawtypes"})
    ReadBuffer() {
        int n = Integer.highestOneBit(Math.clamp(4L * Runtime.getRuntime().availableProcessors(), 1, 64));
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe<>();
        }
        stripeMask = n - 1;
    }

    int offer(E e) {
        Stripe<E> s = stripes[probe() & stripeMask];
        long tail = s.writes.get();
        if (tail - s.reads >= STRIPE_SIZE) {
            return FULL;
        }
        if (s.writes.compareAndSet(tail, tail + 1)) {
            s.slots.setRelease((int) (tail & STRIPE_MASK), e);
            return SUCCESS;
        }
        return CONTENDED;
    }

    /** Replays buffered reads, oldest first per stripe. Single consumer: call with the lock held. */
    void drainTo(Consumer<? super E> consumer) {
        for (Stripe<E> s : stripes) {
            long head = s.reads;
            long tail = s.writes.get();
            while (head < tail) {
                int index = (int) (head & STRIPE_MASK);
                E e = s.slots.getAcquire(index);
                if (e == null) {
                    break; // a writer claimed the slot but has not published yet; next drain gets it
                }
                s.slots.setRelease(index, null);
                consumer.accept(e);
                head++;
            }
            s.reads = head;
        }
    }

    /** True if some stripe holds reads not yet replayed. */
    boolean hasPending() {
        for (Stripe<E> s : stripes) {
            if (s.writes.get() != s.reads) {
                return true;
            }
        }
        return false;
    }

    private static int probe() {
        long id = Thread.currentThread().threadId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40);
    }

    private static final class Stripe<E> {
        final AtomicReferenceArray<E> slots = new AtomicReferenceArray<>(STRIPE_SIZE);
        final AtomicLong writes = new AtomicLong();
        volatile long reads;
    }
}
