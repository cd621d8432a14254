package io.cairn.cache;

import java.util.function.Consumer;

/**
 * The two kinds of expiry: after write and after access. Holds their settings and their
 * time-ordered queues (intrusive, through {@link Node.Timed}'s links). The checks on the read path
 * are lock-free; everything that touches a queue is called by {@link LocalCache} with its lock held.
 * A cache without expiry has an instance whose {@link #timedReads} is false and whose queue methods
 * do nothing.
 */
final class Expiry<K, V> {
    private final long afterWriteNanos;
    private final long afterAccessNanos;
    /** True if a read must look at the clock (some expiry is configured). */
    final boolean timedReads;
    private final IntrusiveDeque.WriteOrderDeque<K, V> writeOrder = new IntrusiveDeque.WriteOrderDeque<>();
    private final IntrusiveDeque.AccessOrderDeque<K, V> accessOrder = new IntrusiveDeque.AccessOrderDeque<>();

    Expiry(long afterWriteNanos, long afterAccessNanos) {
        this.afterWriteNanos = afterWriteNanos;
        this.afterAccessNanos = afterAccessNanos;
        this.timedReads = afterWriteNanos > 0 || afterAccessNanos > 0;
    }

    long afterWriteNanos() {
        return afterWriteNanos;
    }

    /** Whether the entry has lapsed at {@code now}. Lock-free. */
    boolean isExpired(Node<K, V> n, long now) {
        if (!timedReads) {
            return false;
        }
        Node.Timed<K, V> t = (Node.Timed<K, V>) n;
        return (afterWriteNanos > 0 && now - t.writeTime >= afterWriteNanos)
                || (afterAccessNanos > 0 && now - t.accessTime >= afterAccessNanos);
    }

    /** A read at {@code now}: stamps the access time (lock-free; the queue follows on replay). */
    void recordRead(Node<K, V> n, long now) {
        if (afterAccessNanos > 0) {
            ((Node.Timed<K, V>) n).accessTime = now;
        }
    }

    /** A buffered read is replayed: the entry moves to the young end of the access queue. Lock held. */
    void onReplayedRead(Node<K, V> n) {
        if (afterAccessNanos > 0) {
            accessOrder.moveToLast((Node.Timed<K, V>) n);
        }
    }

    /** A new entry joined the map. Lock held. */
    void onInsert(Node<K, V> n) {
        if (afterWriteNanos > 0) {
            writeOrder.addLast((Node.Timed<K, V>) n);
        }
        if (afterAccessNanos > 0) {
            accessOrder.addLast((Node.Timed<K, V>) n);
        }
    }

    /**
     * An entry's value was replaced at {@code now}: both clocks restart. Called by the writer under
     * the table lock (the read path sees the new clocks at once); the queues follow in
     * {@link #onReplaced} when the buffered write is applied.
     */
    void stampWrite(Node<K, V> n, long now) {
        if (n instanceof Node.Timed<K, V> t) {
            t.writeTime = now;
            t.accessTime = now;
        }
    }

    /** A buffered replacement is applied: the entry moves to the young end of both queues. Eviction lock held. */
    void onReplaced(Node<K, V> n) {
        if (n instanceof Node.Timed<K, V> t) {
            if (afterWriteNanos > 0) {
                writeOrder.moveToLast(t);
            }
            if (afterAccessNanos > 0) {
                accessOrder.moveToLast(t);
            }
        }
    }

    /** An entry left the map. Lock held. */
    void onRemove(Node<K, V> n) {
        if (afterWriteNanos > 0) {
            writeOrder.unlink((Node.Timed<K, V>) n);
        }
        if (afterAccessNanos > 0) {
            accessOrder.unlink((Node.Timed<K, V>) n);
        }
    }

    /** Hands every entry lapsed at {@code now} to {@code remover}, oldest first. Lock held. */
    void expireEntries(long now, Consumer<Node<K, V>> remover) {
        if (afterWriteNanos > 0) {
            Node.Timed<K, V> n;
            while ((n = writeOrder.first()) != null && now - n.writeTime >= afterWriteNanos) {
                remover.accept(n);
            }
        }
        if (afterAccessNanos > 0) {
            Node.Timed<K, V> n;
            while ((n = accessOrder.first()) != null && now - n.accessTime >= afterAccessNanos) {
                remover.accept(n);
            }
        }
    }

    /** The earlier of {@code due} and the oldest entry's expiry ({@link Pacer#NONE}: never). Lock held. */
    long nextDue(long due) {
        Node.Timed<K, V> n;
        if (afterWriteNanos > 0 && (n = writeOrder.first()) != null) {
            due = earlier(due, n.writeTime + afterWriteNanos);
        }
        if (afterAccessNanos > 0 && (n = accessOrder.first()) != null) {
            due = earlier(due, n.accessTime + afterAccessNanos);
        }
        return due;
    }

    private static long earlier(long due, long t) {
        return due == Pacer.NONE || t - due < 0 ? t : due;
    }

    /** Both queues link exactly the map's {@code entries}, weighing {@code weight}. Lock held. */
    void checkInvariants(long entries, long weight) {
        if (afterWriteNanos > 0) {
            long w = writeOrder.checkLinks("write order", n -> n.weight, n -> n.linked);
            Invariants.require(writeOrder.size() == entries && w == weight, "write order holds %d of %d entries",
                    writeOrder.size(), entries);
        }
        if (afterAccessNanos > 0) {
            long w = accessOrder.checkLinks("access order", n -> n.weight, n -> n.linked);
            Invariants.require(accessOrder.size() == entries && w == weight, "access order holds %d of %d entries",
                    accessOrder.size(), entries);
        }
    }
}
