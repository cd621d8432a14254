package io.cairn.bench.sim;

import io.cairn.bench.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Replays one trace against policies at sizes, in a fixed order (size-major). */
public final class Replayer {
    private Replayer() {
    }

    public static List<HitRate> run(Trace trace, List<Integer> sizes, List<PolicySimulator> policies,
                                    Consumer<HitRate> progress) {
        List<HitRate> out = new ArrayList<>();
        for (int size : sizes) {
            for (PolicySimulator p : policies) {
                long start = System.nanoTime();
                long hits = p.countHits(trace.keys(), size);
                HitRate r = new HitRate(trace.name(), size, p.name(), hits, trace.length(), System.nanoTime() - start);
                out.add(r);
                progress.accept(r);
            }
        }
        return out;
    }
}
