package io.cairn.bench.sim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BeladyOptTest {
    private final BeladyOpt opt = new BeladyOpt();

    @Test
    void textbookReferenceStringHasNineFaultsWithThreeFrames() {
        // Silberschatz et al., Operating System Concepts, the optimal page-replacement example
        long[] refs = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
        assertThat(refs.length - opt.countHits(refs, 3)).isEqualTo(9);
    }

    @Test
    void handComputedSmallCases() {
        // 1 2 3 miss; 1 2 hit; 4 evicts 3 (next use farthest); 1 2 hit; 3 evicts 1 or 2; 4 hit
        assertThat(opt.countHits(new long[] {1, 2, 3, 1, 2, 4, 1, 2, 3, 4}, 3)).isEqualTo(5);
        // capacity 1: only immediate repeats hit
        assertThat(opt.countHits(new long[] {1, 1, 2, 1, 1, 1, 2}, 1)).isEqualTo(3);
        // a cyclic scan of 3 keys in 2 slots: OPT keeps one key resident and hits every other time
        assertThat(opt.countHits(new long[] {1, 2, 3, 1, 2, 3, 1, 2, 3}, 2)).isEqualTo(3);
        // everything fits: only cold misses
        assertThat(opt.countHits(new long[] {5, 6, 5, 6, 7, 5}, 3)).isEqualTo(3);
    }

    @Test
    void rejectsAnEmptyCache() {
        assertThatThrownBy(() -> opt.countHits(new long[] {1}, 0)).hasMessageContaining("at least 1");
    }

    @Property(tries = 300)
    void matchesANaiveQuadraticBelady(@ForAll @Size(max = 300) List<@IntRange(max = 40) Integer> keys,
                                      @ForAll @IntRange(min = 1, max = 20) int capacity) {
        long[] trace = keys.stream().mapToLong(Integer::longValue).toArray();
        assertThat(opt.countHits(trace, capacity)).isEqualTo(naive(trace, capacity));
    }

    @Property(tries = 100)
    void isNeverBelowLru(@ForAll @Size(max = 500) List<@IntRange(max = 60) Integer> keys,
                         @ForAll @IntRange(min = 1, max = 30) int capacity) {
        long[] trace = keys.stream().mapToLong(Integer::longValue).toArray();
        long lru = Policies.byName("lhm-lru").countHits(trace, capacity);
        assertThat(opt.countHits(trace, capacity)).isGreaterThanOrEqualTo(lru);
    }

    /** Belady by definition: scan forward for each resident's next use at every eviction. */
    private static long naive(long[] trace, int capacity) {
        Set<Long> cache = new HashSet<>();
        long hits = 0;
        for (int i = 0; i < trace.length; i++) {
            if (cache.contains(trace[i])) {
                hits++;
                continue;
            }
            if (cache.size() == capacity) {
                long victim = 0;
                int farthest = -1;
                for (long k : cache) {
                    int nextUse = Integer.MAX_VALUE;
                    for (int j = i + 1; j < trace.length; j++) {
                        if (trace[j] == k) {
                            nextUse = j;
                            break;
                        }
                    }
                    if (nextUse > farthest) {
                        farthest = nextUse;
                        victim = k;
                    }
                }
                cache.remove(victim);
            }
            cache.add(trace[i]);
        }
        return hits;
    }
}
