package io.cairn.bench.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Zipf-distributed indices drawn ahead of time by inverting the cumulative distribution. */
final class Zipf {
    private Zipf() {
    }

    /**
     * {@code count} draws over {@code 0..n-1}, where index i has weight 1/(i+1)^s. Rank order is
     * shuffled over the indices so that popular keys are not neighbours in any structure.
     */
    static int[] samples(int n, double s, int count, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] out = new int[count];
        for (int c = 0; c < count; c++) {
            double u = rnd.nextDouble() * sum;
            int idx = Arrays.binarySearch(cdf, u);
            out[c] = perm[idx >= 0 ? idx : Math.min(n - 1, -idx - 1)];
        }
        return out;
    }
}
