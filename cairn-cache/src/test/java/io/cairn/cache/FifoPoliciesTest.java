package io.cairn.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-computed sequences for the two FIFO-based policies, SIEVE and S3-FIFO. */
class FifoPoliciesTest {

    private static Cache<String, String> cache(EvictionPolicy policy, long size, Recorder<String, String> rec) {
        return CacheBuilder.newBuilder().maintenanceExecutor(CacheBuilder.CALLING_THREAD).maximumWeight(size).evictionPolicy(policy).removalListener(rec).build();
    }

    private static void put(Cache<String, String> c, String... keys) {
        for (String k : keys) {
            c.put(k, k);
        }
    }

    @Test
    void sieveSparesVisitedEntriesAndKeepsItsHandWhereItStopped() {
        Recorder<String, String> rec = new Recorder<>();
        Cache<String, String> c = cache(EvictionPolicy.SIEVE, 3, rec);
        put(c, "a", "b", "c");        // queue a b c, none visited
        c.getIfPresent("a");          // a visited: a hit moves nothing
        put(c, "d");                  // hand at a: clears it, stops at b -> evicts b; queue a c d, hand at c
        c.getIfPresent("d");          // d visited
        put(c, "e");                  // hand at c, not visited -> evicts c; hand at d
        put(c, "f");                  // d visited: cleared; e not visited -> evicts e (no wrap to a)
        assertThat(rec.keys(RemovalCause.SIZE)).containsExactly("b", "c", "e");
        assertThat(c.getIfPresent("a")).isEqualTo("a");
        assertThat(c.getIfPresent("d")).isEqualTo("d");
        assertThat(c.getIfPresent("f")).isEqualTo("f");
    }

    @Test
    void s3FifoFiltersOneHitWondersAndReadmitsGhostsToTheMainQueue() {
        Recorder<String, String> rec = new Recorder<>();
        Cache<String, String> c = cache(EvictionPolicy.S3_FIFO, 10, rec); // small queue: 1 entry
        for (int i = 0; i < 10; i++) {
            put(c, "k" + i);          // all enter the small queue
        }
        c.getIfPresent("k0");         // k0 hit once
        put(c, "k10");                // k0 (hit) moves to main; k1 (never hit) is evicted, a ghost
        put(c, "k1");                 // a ghost: straight into main; k2 leaves the small queue
        assertThat(rec.keys(RemovalCause.SIZE)).containsExactly("k1", "k2");
        // main holds k0 and k1, each with count 0; k3 is the small queue's oldest and goes next
        put(c, "k11");
        assertThat(rec.keys(RemovalCause.SIZE)).containsExactly("k1", "k2", "k3");
        c.getIfPresent("k1");         // main's k1 gets a count of 1
        // fill until the small queue has been drained of k4..k11: main then evicts from its head
        for (int i = 12; i < 22; i++) {
            put(c, "k" + i);
        }
        assertThat(c.getIfPresent("k1")).as("hit in main: second chance").isEqualTo("k1");
        assertThat(c.estimatedSize()).isEqualTo(10);
    }
}
