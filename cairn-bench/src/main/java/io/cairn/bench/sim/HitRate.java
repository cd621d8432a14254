package io.cairn.bench.sim;

/**
 * One measured point: a policy replayed over a trace at a cache size.
 *
 * @param trace  the trace's name
 * @param size   cache capacity in entries
 * @param policy the policy's name
 * @param hits   requests that hit
 * @param events requests in the trace
 * @param nanos  wall time of the replay
 */
public record HitRate(String trace, int size, String policy, long hits, long events, long nanos) {

    /** Hits as a percentage of requests. */
    public double hitPercent() {
        return events == 0 ? 0.0 : 100.0 * hits / events;
    }
}
