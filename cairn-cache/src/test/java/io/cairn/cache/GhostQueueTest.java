package io.cairn.cache;

import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The primitive ghost queue behaves as the insertion-ordered LinkedHashMap it replaced. */
class GhostQueueTest {

    @Test
    void matchesAnInsertionOrderedMapUnderRandomOperations() {
        SplittableRandom rnd = new SplittableRandom(7);
        GhostQueue q = new GhostQueue();
        LinkedHashMap<Integer, Integer> model = new LinkedHashMap<>();
        long modelWeight = 0;
        for (int step = 0; step < 200_000; step++) {
            int key = rnd.nextInt(3_000) - 1_500; // negative hashes too; many repeats
            switch (rnd.nextInt(4)) {
                case 0, 1 -> {
                    int w = rnd.nextInt(1, 50);
                    Integer old = model.put(key, w);
                    modelWeight += w - (old == null ? 0 : old);
                    q.add(key, w);
                }
                case 2 -> {
                    Integer old = model.remove(key);
                    int got = q.remove(key);
                    assertThat(got).isEqualTo(old == null ? -1 : old);
                    if (old != null) {
                        modelWeight -= old;
                    }
                }
                default -> {
                    long bound = rnd.nextInt(20_000);
                    Iterator<Map.Entry<Integer, Integer>> it = model.entrySet().iterator();
                    while (modelWeight > bound && it.hasNext()) {
                        modelWeight -= it.next().getValue();
                        it.remove();
                    }
                    q.trimTo(bound);
                }
            }
            assertThat(q.weight()).isEqualTo(modelWeight);
            assertThat(q.size()).isEqualTo(model.size());
        }
        assertThat(q.sumWeights()).isEqualTo(modelWeight);
        for (Map.Entry<Integer, Integer> e : model.entrySet()) {
            assertThat(q.remove(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(q.size()).isZero();
        assertThat(q.weight()).isZero();
    }

    @Test
    void ghostsRemovedInTheMiddleTakeNoRoomForever() {
        GhostQueue q = new GhostQueue();
        for (int i = 0; i < 1_000_000; i++) { // never over the bound, so never trimmed
            q.add(i, 1);
            assertThat(q.remove(i)).isEqualTo(1);
        }
        q.add(42, 3);
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.sumWeights()).isEqualTo(3);
    }
}
