package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import org.junit.jupiter.api.Test;

/** Creating and closing a thousand governors leaves no thread, JMX listener or memory behind. */
class GovernorLifecycleTest {

    private static long governorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("cairn-governor-")).count();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aThousandGovernorsCreatedAndClosedLeaveNothingBehind() throws Exception {
        // Warm up class loading and JIT so the baseline includes them.
        for (int i = 0; i < 20; i++) {
            JvmMemoryGovernor.start().close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> governorThreads() == 0);
        int threadsBefore = Thread.activeCount();
        long heapBefore = heapAfterGc();

        List<WeakReference<JvmMemoryGovernor>> refs = new ArrayList<>();
        List<JmxSignals.Subscription> sampleListeners = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            JvmMemoryGovernor g = JvmMemoryGovernor.start();
            g.addListener((p, c, s) -> { });
            g.registerConsumer("c", MemoryGovernor.Residence.OFF_HEAP, () -> 1);
            g.tryReserve(10).release();
            if (i % 100 == 0) {
                sampleListeners.addAll(g.jmxListeners());
            }
            g.close();
            refs.add(new WeakReference<>(g));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> governorThreads() == 0);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);

        for (JmxSignals.Subscription s : sampleListeners) {
            assertThatThrownBy(() -> s.emitter().removeNotificationListener(s.listener()))
                    .isInstanceOf(ListenerNotFoundException.class);
        }
        sampleListeners.clear();

        // Nothing (a JMX emitter, a thread, an executor) still holds a closed governor.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return refs.stream().allMatch(r -> r.get() == null);
        });
        refs.clear();
        long heapAfter = heapAfterGc();
        assertThat(heapAfter - heapBefore).as("heap growth after 1000 governors").isLessThan(8L << 20);
    }
}
