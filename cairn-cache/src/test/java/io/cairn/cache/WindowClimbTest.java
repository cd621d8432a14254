package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** W-TinyLFU's window resizing with byte weights. */
class WindowClimbTest {

    /**
     * A resize step that leaves a rest smaller than any entry is finished: carrying that rest made
     * every following access retry the transfer, in vain, until the next hit-rate sample (a quarter
     * of the CPU time of a byte-weighted W-TinyLFU cache in CacheBench).
     */
    @Test
    void aRestSmallerThanAnEntryIsNotCarriedFromAccessToAccess() throws Exception {
        int entry = 4096;
        Cache<Integer, byte[]> c = CacheBuilder.<Integer, byte[]>newBuilder()
                .maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(2_000L * entry)
                .weigher((Integer k, byte[] v) -> entry).evictionPolicy(EvictionPolicy.W_TINY_LFU).build();
        Field f = LocalCache.class.getDeclaredField("strategy");
        f.setAccessible(true);
        WTinyLfuStrategy<?, ?> strategy = (WTinyLfuStrategy<?, ?>) f.get(c);
        byte[] value = new byte[1];
        SplittableRandom rnd = new SplittableRandom(3);
        int stuck = 0;
        int adjusting = 0;
        for (int i = 0; i < 400_000; i++) {
            // a skewed stream whose hot set moves, so the climber keeps resizing the window
            int key = (int) (Math.pow(rnd.nextDouble(), 3) * 20_000) + (i / 50_000) * 5_000;
            if (c.getIfPresent(key) == null) {
                c.put(key, value);
            }
            long pending = strategy.pendingAdjustment();
            if (pending != 0) {
                adjusting++;
                if (Math.abs(pending) < entry) {
                    stuck++;
                }
            }
        }
        assertThat(stuck).as("accesses that found an unmovable rest pending (of %d with any pending)", adjusting)
                .isZero();
        c.close();
    }
}
