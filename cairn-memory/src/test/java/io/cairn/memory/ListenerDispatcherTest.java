package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenerDispatcherTest {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final ListenerDispatcher dispatcher = new ListenerDispatcher(r -> {
        Thread t = new Thread(r, "cairn-governor-test-notify");
        t.setDaemon(true);
        return t;
    }, watchdog, TimeUnit.MILLISECONDS.toNanos(100));

    @AfterEach
    void close() {
        dispatcher.close();
        watchdog.shutdownNow();
    }

    private static MemoryStats stats(PressureLevel level) {
        return MemoryStats.builder().heap(0, 0, 1).budgetBytes(1).level(level).maxDirectBytes(1).build();
    }

    private void publish(PressureLevel from, PressureLevel to) {
        dispatcher.publish(from, to, stats(to));
    }

    @Test
    void everyListenerSeesEveryChangeInOrderOnTheNotificationThread() {
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        dispatcher.add((p, c, s) -> {
            a.add(p + ">" + c);
            threads.add(Thread.currentThread().getName());
        });
        dispatcher.add((p, c, s) -> b.add(p + ">" + c));
        publish(PressureLevel.NONE, PressureLevel.LOW);
        publish(PressureLevel.LOW, PressureLevel.HIGH);
        publish(PressureLevel.HIGH, PressureLevel.MEDIUM);
        List<String> expected = List.of("NONE>LOW", "LOW>HIGH", "HIGH>MEDIUM");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 3 && b.size() == 3);
        assertThat(a).isEqualTo(expected);
        assertThat(b).isEqualTo(expected);
        assertThat(threads).containsOnly("cairn-governor-test-notify");
    }

    @Test
    void aThrowingListenerDoesNotKeepTheOthersOrLaterChangesFromBeingDelivered() {
        List<String> seen = new CopyOnWriteArrayList<>();
        dispatcher.add((p, c, s) -> {
            throw new IllegalStateException("listener bug");
        });
        dispatcher.add((p, c, s) -> seen.add(p + ">" + c));
        publish(PressureLevel.NONE, PressureLevel.LOW);
        publish(PressureLevel.LOW, PressureLevel.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("NONE>LOW", "LOW>NONE");
    }

    @Test
    void aStuckListenerDoesNotHoldUpTheOthersAndLaterCatchesUpInOrderNeverConcurrently() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        List<String> slow = new CopyOnWriteArrayList<>();
        List<String> fast = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        dispatcher.add((p, c, s) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                if (slow.isEmpty()) {
                    unblock.await();
                }
                slow.add(p + ">" + c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
        });
        dispatcher.add((p, c, s) -> fast.add(p + ">" + c));

        publish(PressureLevel.NONE, PressureLevel.LOW);
        publish(PressureLevel.LOW, PressureLevel.MEDIUM);
        publish(PressureLevel.MEDIUM, PressureLevel.HIGH);
        // The slow listener is blocked on the latch for as long as this wait lasts; the fast one
        // must still get all three.
        await().atMost(Duration.ofSeconds(10)).until(() -> fast.size() == 3);
        assertThat(fast).containsExactly("NONE>LOW", "LOW>MEDIUM", "MEDIUM>HIGH");
        assertThat(slow).isEmpty();

        unblock.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.size() == 3);
        assertThat(slow).containsExactly("NONE>LOW", "LOW>MEDIUM", "MEDIUM>HIGH");

        // Back to normal delivery after catching up.
        publish(PressureLevel.HIGH, PressureLevel.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.size() == 4 && fast.size() == 4);
        assertThat(slow.get(3)).isEqualTo("HIGH>NONE");
        assertThat(maxInside.get()).as("the slow listener was never called twice at once").isEqualTo(1);
    }

    @Test
    void aRemovedListenerIsNotCalledAgain() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        MemoryGovernor.Registration reg = dispatcher.add((p, c, s) -> seen.add(p + ">" + c));
        dispatcher.add((p, c, s) -> other.add(p + ">" + c));
        publish(PressureLevel.NONE, PressureLevel.LOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.size() == 1);
        reg.close();
        reg.close();
        assertThat(dispatcher.listenerCount()).isEqualTo(1);
        publish(PressureLevel.LOW, PressureLevel.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.size() == 2);
        assertThat(seen).containsExactly("NONE>LOW");
    }
}
