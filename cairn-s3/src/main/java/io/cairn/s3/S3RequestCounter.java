package io.cairn.s3;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every HTTP request sent to the object store, retries included (what a provider bills),
 * by operation: {@code get}, {@code head}, {@code put}, {@code delete}, {@code list}, and the SDK's
 * name lower-cased for anything else. Exported as {@code cairn_s3_requests_total{op=...}} once bound
 * to a registry.
 */
public final class S3RequestCounter implements ExecutionInterceptor {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> meters = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String op = opName(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        counts.computeIfAbsent(op, k -> new LongAdder()).increment();
        MeterRegistry r = registry;
        if (r != null) {
            meters.computeIfAbsent(op, k -> Counter.builder("cairn.s3.requests")
                    .description("HTTP requests sent to the object store, retries included")
                    .tag("op", k).register(r)).increment();
        }
    }

    static String opName(String sdkName) {
        if (sdkName == null) {
            return "other";
        }
        return switch (sdkName) {
            case "GetObject" -> "get";
            case "HeadObject" -> "head";
            case "PutObject" -> "put";
            case "DeleteObject" -> "delete";
            case "ListObjectsV2" -> "list";
            case "HeadBucket" -> "head_bucket";
            default -> sdkName.toLowerCase(Locale.ROOT);
        };
    }

    /** Exports the counts to {@code registry} from now on (and what was counted so far). */
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        counts.forEach((op, n) -> meters.computeIfAbsent(op, k -> Counter.builder("cairn.s3.requests")
                .description("HTTP requests sent to the object store, retries included")
                .tag("op", k).register(registry)).increment(n.sum()));
    }

    /** Requests sent so far for {@code op}. */
    public long count(String op) {
        LongAdder a = counts.get(op);
        return a == null ? 0 : a.sum();
    }

    /** Requests sent so far, every operation. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** A snapshot of every count, by operation. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
