package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.memory.GovernorConfig;
import io.cairn.memory.JvmMemoryGovernor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A million put/get/delete cycles through the whole memory-aware stack leave the heap after GC and
 * the thread count where they were after warm-up.
 */
class MemoryAwareLeakTest {
    private static final int WARM_UP = 100_000;
    private static final int CYCLES = 1_000_000;

    @Test
    void aMillionCyclesLeaveNothingBehind() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(GovernorConfig.defaults());
             MemoryAwareBlockstore store = MemoryAwareBlockstore.stack(Blockstores.memory(), governor,
                     MemoryAwareConfig.builder()
                             .caching(CachingBlockstore.Options.defaults().withContentCacheBytes(4 << 20).withBloom(100_000, 0.01))
                             .build())) {
            cycles(store, 0, WARM_UP);
            long heapBefore = heapAfterGc(memory);
            int threadsBefore = threads.getThreadCount();

            cycles(store, WARM_UP, CYCLES);

            long heapAfter = heapAfterGc(memory);
            int threadsAfter = threads.getThreadCount();
            assertThat(heapAfter - heapBefore).as("heap growth after GC, bytes (before %d, after %d)", heapBefore, heapAfter)
                    .isLessThan(8L << 20);
            assertThat(threadsAfter).as("threads").isLessThanOrEqualTo(threadsBefore);
            assertThat(store.allKeys().count()).as("blocks left in the store").isZero();
        }
    }

    private static void cycles(Blockstore store, int from, int count) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        for (int i = from; i < from + count; i++) {
            buf.clear();
            buf.putLong(i).putLong(~i);
            Block b = Block.raw(java.util.Arrays.copyOf(buf.array(), 16 + (i & 31)));
            store.put(b);
            if (store.get(b.cid()).size() != b.size()) {
                throw new AssertionError("wrong size for cycle " + i);
            }
            if (!store.delete(b.cid())) {
                throw new AssertionError("delete found nothing for cycle " + i);
            }
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, memory.getHeapMemoryUsage().getUsed());
        }
        return min;
    }
}
