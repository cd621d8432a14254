package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The invariant check itself: it passes on healthy caches of every policy and catches damage. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class InvariantsTest {

    @Test
    void healthyCachesOfEveryPolicyPass() {
        for (EvictionPolicy p : EvictionPolicy.values()) {
            LocalCache<Integer, Integer> c = (LocalCache<Integer, Integer>) CacheBuilder
                    .newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(500).weigher((Integer k, Integer v) -> 1 + (k % 3))
                    .evictionPolicy(p).build();
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < 20_000; i++) {
                int k = (int) Math.min(4_000, Math.abs(rnd.nextGaussian() * 600));
                if (c.getIfPresent(k) == null) {
                    c.put(k, k);
                }
                if (i % 97 == 0) {
                    c.invalidate(rnd.nextInt(4_000));
                }
            }
            c.checkInvariants();
        }
    }

    @Test
    void aWrongWeightIsCaught() {
        LocalCache<Integer, Integer> c = (LocalCache<Integer, Integer>) CacheBuilder
                .<Integer, Integer>newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).evictionPolicy(EvictionPolicy.LRU).build();
        c.put(1, 1);
        c.put(2, 2);
        Node<Integer, Integer> n = nodeOf(c, 1);
        n.weight = 5; // behind the cache's back
        assertThatThrownBy(c::checkInvariants).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nodes weigh 6, weightedSize says 2");
        n.weight = 1;
        c.checkInvariants();
    }

    @Test
    void aBrokenQueueIsCaught() {
        LocalCache<Integer, Integer> c = (LocalCache<Integer, Integer>) CacheBuilder
                .<Integer, Integer>newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(100).evictionPolicy(EvictionPolicy.W_TINY_LFU).build();
        for (int i = 0; i < 10; i++) {
            c.put(i, i);
        }
        Node<Integer, Integer> n = nodeOf(c, 3);
        byte q = n.queue;
        n.queue = WTinyLfuStrategy.PROTECTED == q ? WTinyLfuStrategy.WINDOW : WTinyLfuStrategy.PROTECTED;
        assertThatThrownBy(c::checkInvariants).hasMessageContaining("marked for another queue");
        n.queue = q;
        c.checkInvariants();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aBuiltCacheIsRegistered() {
        before = CacheInvariantsExtension.checkedSoFar();
        CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(10).build().put("a", "b");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void theExtensionCheckedItAfterThePreviousTest() {
        assertThat(CacheInvariantsExtension.checkedSoFar()).isGreaterThan(before);
    }

    private static int before = Integer.MAX_VALUE;

    @SuppressWarnings("unchecked")
    private static Node<Integer, Integer> nodeOf(LocalCache<Integer, Integer> c, int key) {
        try {
            var f = LocalCache.class.getDeclaredField("data");
            f.setAccessible(true);
            return ((NodeTable<Integer, Integer>) f.get(c)).get(key);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
