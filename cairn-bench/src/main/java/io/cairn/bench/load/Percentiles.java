package io.cairn.bench.load;

import java.util.Arrays;
import java.util.Collection;

/**
 * Nearest-rank percentiles of a sample.
 *
 * @param count how many values
 * @param p50   median
 * @param p95   95th percentile
 * @param p99   99th percentile
 * @param max   largest value
 */
public record Percentiles(int count, double p50, double p95, double p99, double max) {

    public static Percentiles of(Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return of(v);
    }

    public static Percentiles of(double[] sortedOrNot) {
        double[] v = sortedOrNot.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.95), rank(v, 0.99), v[v.length - 1]);
    }

    private static double rank(double[] sorted, double p) {
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
