package io.cairn.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Striped, bounded, lossy buffer of reads waiting to be applied to the eviction policy. Readers
 * never take the cache's lock: they append here (a CAS on their stripe's counter) and the lock
 * holder replays the stripes in order. A full stripe refuses the read, and so does a contended one
 * after one try on the neighbouring stripe; the caller then tries to drain it itself and, if the
 * lock is busy, the read is dropped. Losing some reads under contention only blurs
 * recency/frequency a little, whereas blocking readers on the policy's lock would serialize every
 * hit (the trade-off Caffeine makes too). On one thread nothing is ever lost: the lock is always
 * free, so a full stripe is drained before the read is recorded.
 *
 * <p>Each stripe's counters and slots sit on cache lines of their own (padding), so that two
 * threads recording reads in different stripes do not invalidate each other's lines.
 */
final class ReadBuffer<E> {
    static final int SUCCESS = 0;
    static final int FULL = 1;
    static final int CONTENDED = 2;

    private static final int STRIPE_SIZE = 16;
    private static final int STRIPE_MASK = STRIPE_SIZE - 1;
    /** Slots of padding on either side of a stripe's 16 (64 bytes with compressed oops). */
    private static final int SLOT_PAD = 16;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Stripe[] stripes;
    private final int stripeMask;

    ReadBuffer() {
        int n = Integer.highestOneBit(Math.clamp(4L * Runtime.getRuntime().availableProcessors(), 1, 64));
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        stripeMask = n - 1;
    }

    int offer(E e) {
        int h = probe();
        int result = offer(stripes[h & stripeMask], e);
        if (result == CONTENDED) {
            result = offer(stripes[(h + 1) & stripeMask], e); // another reader on our stripe: try next door
        }
        return result;
    }

    private static int offer(Stripe s, Object e) {
        long tail = s.writes;
        if (tail - s.reads >= STRIPE_SIZE) {
            return FULL;
        }
        if (Stripe.WRITES.compareAndSet(s, tail, tail + 1)) {
            SLOTS.setRelease(s.slots, SLOT_PAD + (int) (tail & STRIPE_MASK), e);
            return SUCCESS;
        }
        return CONTENDED;
    }

    /** Replays buffered reads, oldest first per stripe. Single consumer: call with the lock held. */
    @SuppressWarnings("unchecked")
    void drainTo(Consumer<? super E> consumer) {
        for (Stripe s : stripes) {
            long head = s.reads;
            long tail = s.writes;
            if (head == tail) {
                continue;
            }
            while (head < tail) {
                int index = SLOT_PAD + (int) (head & STRIPE_MASK);
                Object e = SLOTS.getAcquire(s.slots, index);
                if (e == null) {
                    break; // a writer claimed the slot but has not published yet; next drain gets it
                }
                SLOTS.set(s.slots, index, null);
                consumer.accept((E) e);
                head++;
            }
            s.reads = head;
        }
    }

    /** True if some stripe holds reads not yet replayed. */
    boolean hasPending() {
        for (Stripe s : stripes) {
            if (s.writes != s.reads) {
                return true;
            }
        }
        return false;
    }

    private static int probe() {
        long id = Thread.currentThread().threadId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40);
    }

    // Padding by inheritance: the JVM lays a superclass's fields out before a subclass's, so the
    // counters end up with 64 bytes of unused longs on either side.
    @SuppressWarnings("unused")
    private static class PadBefore {
        long p01, p02, p03, p04, p05, p06, p07, p08;
    }

    private static class Writes extends PadBefore {
        volatile long writes;
    }

    @SuppressWarnings("unused")
    private static class PadBetween extends Writes {
        long p11, p12, p13, p14, p15, p16, p17, p18;
    }

    private static class Reads extends PadBetween {
        /** Written by the (single) drainer under the eviction lock. */
        volatile long reads;
    }

    @SuppressWarnings("unused")
    private static final class Stripe extends Reads {
        static final VarHandle WRITES;

        static {
            try {
                WRITES = MethodHandles.lookup().findVarHandle(Writes.class, "writes", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long p21, p22, p23, p24, p25, p26, p27, p28;
        final Object[] slots = new Object[SLOT_PAD + STRIPE_SIZE + SLOT_PAD];
    }
}
