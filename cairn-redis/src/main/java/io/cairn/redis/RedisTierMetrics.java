package io.cairn.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the tier did, for Prometheus:
 * <ul>
 *   <li>{@code cairn_redis_requests_total{op, outcome}}: every Redis call by operation ({@code get},
 *       {@code set}, {@code del}) and outcome ({@code hit}, {@code miss}, {@code ok}, {@code error},
 *       {@code timeout}, {@code refused} for an OOM answer under {@code maxmemory}, {@code rejected}
 *       when the breaker was open and no call was made);</li>
 *   <li>{@code cairn_redis_request_seconds{op}}: latency of the calls made;</li>
 *   <li>{@code cairn_redis_skipped_total{reason}}: populations not attempted ({@code too_large},
 *       {@code pressure}, {@code reservation});</li>
 *   <li>{@code cairn_redis_corrupt_total}: values whose bytes did not hash to their CID (never served);</li>
 *   <li>{@code cairn_redis_breaker_state}: 0 closed, 1 open, 2 half-open.</li>
 * </ul>
 */
final class RedisTierMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter corrupt;

    RedisTierMetrics(MeterRegistry registry, CircuitBreaker breaker) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.corrupt = Counter.builder("cairn.redis.corrupt").description("Redis values that failed their hash check")
                .register(this.registry);
        Gauge.builder("cairn.redis.breaker.state", breaker, b -> switch (b.getState()) {
                    case CLOSED -> 0;
                    case OPEN, FORCED_OPEN -> 1;
                    case HALF_OPEN -> 2;
                    default -> 3;
                })
                .description("Redis circuit breaker: 0 closed, 1 open, 2 half-open").register(this.registry);
    }

    void request(String op, String outcome) {
        counters.computeIfAbsent(op + "/" + outcome, k -> Counter.builder("cairn.redis.requests")
                .description("Redis calls by operation and outcome").tag("op", op).tag("outcome", outcome)
                .register(registry)).increment();
    }

    void latency(String op, long nanos) {
        timers.computeIfAbsent(op, k -> Timer.builder("cairn.redis.request").description("Redis call latency")
                .tag("op", op).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void skipped(String reason) {
        counters.computeIfAbsent("skip/" + reason, k -> Counter.builder("cairn.redis.skipped")
                .description("Redis populations not attempted").tag("reason", reason).register(registry)).increment();
    }

    void corrupt() {
        corrupt.increment();
    }

    /** Count of one op/outcome pair so far (for tests and /health). */
    long count(String op, String outcome) {
        Counter c = counters.get(op + "/" + outcome);
        return c == null ? 0 : (long) c.count();
    }

    long skippedCount(String reason) {
        Counter c = counters.get("skip/" + reason);
        return c == null ? 0 : (long) c.count();
    }

    long corruptCount() {
        return (long) corrupt.count();
    }
}
