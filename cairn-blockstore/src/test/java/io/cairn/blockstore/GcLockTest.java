package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class GcLockTest {

    @Test
    void aWaitingCollectorIsNotStarvedByNewPins() throws Exception {
        ReadWriteGcLock lock = new ReadWriteGcLock();
        GcLocker.Unlock first = lock.pinLock();
        CompletableFuture<Void> gc = CompletableFuture.runAsync(() -> lock.gcLock().close());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lock.gcRequested() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(lock.gcRequested()).isTrue();
        // a pin requested after the collector queued waits behind it
        CompletableFuture<Void> latePin = CompletableFuture.runAsync(() -> lock.pinLock().close());
        Thread.sleep(100);
        assertThat(latePin).isNotDone();
        assertThat(gc).isNotDone();
        first.close();
        gc.get(10, TimeUnit.SECONDS);
        latePin.get(10, TimeUnit.SECONDS);
        assertThat(lock.gcRequested()).isFalse();
    }

    @Test
    void theCollectorMayPinWhileHoldingTheGcLock() throws Exception {
        ReadWriteGcLock lock = new ReadWriteGcLock();
        try (GcLocker.Unlock gc = lock.gcLock()) {
            assertThat(lock.gcRequested()).isTrue();
            try (GcLocker.Unlock pin = lock.pinLock()) {
                // reentrant: no deadlock, and other threads are still excluded
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> lock.pinLock().close());
                Thread.sleep(50);
                assertThat(other).isNotDone();
                pin.close();
                gc.close();
                other.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(lock.gcRequested()).isFalse();
    }
}
