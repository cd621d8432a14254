package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's own hash table: single writer under the lock, lock-free readers. */
class NodeTableTest {

    /** Keys whose hashes collide in the low bits, so that chains are long and resizes move nodes. */
    record Key(int id) {
        @Override
        public int hashCode() {
            return id * 1024;
        }
    }

    @Test
    void addFindRemoveAndWalk() {
        ReentrantLock lock = new ReentrantLock();
        NodeTable<Key, Integer> t = new NodeTable<>(lock);
        List<Node<Key, Integer>> nodes = new ArrayList<>();
        lock.lock();
        try {
            for (int i = 0; i < 1000; i++) {
                Node<Key, Integer> n = new Node<>(new Key(i), i, 1);
                nodes.add(n);
                t.add(n);
            }
            assertThat(t.size()).isEqualTo(1000);
            for (int i = 0; i < 1000; i += 2) {
                assertThat(t.remove(nodes.get(i))).isTrue();
                assertThat(t.remove(nodes.get(i))).isFalse();
            }
            assertThat(t.size()).isEqualTo(500);
            for (int i = 0; i < 1000; i++) {
                assertThat(t.get(new Key(i))).isSameAs(i % 2 == 0 ? null : nodes.get(i));
            }
            Set<Node<Key, Integer>> seen = new HashSet<>();
            t.forEach(seen::add);
            assertThat(seen).hasSize(500).allMatch(n -> n.value % 2 == 1);

            @SuppressWarnings("unchecked")
            Node<Key, Integer>[] batch = (Node<Key, Integer>[]) new Node[64];
            Set<Node<Key, Integer>> taken = new HashSet<>();
            int bucket = 0;
            while (bucket >= 0) {
                bucket = t.take(bucket, batch);
                for (Node<Key, Integer> n : batch) {
                    if (n != null) {
                        taken.add(n);
                        t.remove(n);
                    }
                }
            }
            assertThat(taken).isEqualTo(seen);
            assertThat(t.size()).isZero();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Readers look up keys that are present throughout while a writer keeps inserting (forcing
     * resizes that move nodes between chains) and removing other keys: a lookup must never miss.
     */
    @Test
    void aPresentKeyIsNeverMissedWhileTheTableGrows() throws Exception {
        for (int round = 0; round < 5; round++) {
            ReentrantLock lock = new ReentrantLock();
            NodeTable<Key, Integer> t = new NodeTable<>(lock);
            int stable = 64;
            lock.lock();
            try {
                for (int i = 0; i < stable; i++) {
                    t.add(new Node<>(new Key(i), i, 1));
                }
            } finally {
                lock.unlock();
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong misses = new AtomicLong();
            AtomicLong lookups = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Thread th = new Thread(() -> {
                    int i = 0;
                    while (!done.get()) {
                        Node<Key, Integer> n = t.get(new Key(i % stable));
                        if (n == null || n.value != i % stable) {
                            misses.incrementAndGet();
                        }
                        lookups.incrementAndGet();
                        i++;
                    }
                });
                th.start();
                readers.add(th);
            }
            List<Node<Key, Integer>> added = new ArrayList<>();
            for (int i = stable; i < 200_000; i++) {
                lock.lock();
                try {
                    Node<Key, Integer> n = new Node<>(new Key(i), i, 1);
                    t.add(n);
                    added.add(n);
                    if (i % 3 == 0) {
                        t.remove(added.get(added.size() / 2));
                    }
                } finally {
                    lock.unlock();
                }
            }
            done.set(true);
            for (Thread th : readers) {
                th.join();
            }
            assertThat(lookups.get()).isPositive();
            assertThat(misses.get()).as("lookups of present keys that missed, of %d", lookups.get()).isZero();
        }
    }
}
