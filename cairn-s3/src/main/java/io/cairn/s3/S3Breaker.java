package io.cairn.s3;

import io.cairn.blockstore.StorageException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The circuit breaker of one endpoint (Resilience4j). Failures on S3's side (connection errors,
 * timeouts, 5xx and throttling after the SDK's retries) count; answers such as 404 or 412 are
 * successes. While open, calls fail at once with {@link S3UnavailableException}.
 */
final class S3Breaker {
    private final CircuitBreaker breaker;
    private final Duration openWait;
    private final String endpoint;

    S3Breaker(String endpoint, S3StoreOptions options) {
        this.endpoint = endpoint;
        this.openWait = options.breakerOpenWait();
        this.breaker = CircuitBreaker.of("s3:" + endpoint, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(options.breakerWindow())
                .minimumNumberOfCalls(options.breakerMinimumCalls())
                .failureRateThreshold(options.breakerFailureRate())
                .waitDurationInOpenState(options.breakerOpenWait())
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(S3Breaker::isOutage)
                .clock(options.clock())
                .build());
    }

    /** Whether {@code t} says S3 is unwell, as opposed to answering a question about one key. */
    static boolean isOutage(Throwable t) {
        if (t instanceof SdkClientException) {
            return true;
        }
        if (t instanceof SdkServiceException e) {
            return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException();
        }
        return false;
    }

    /**
     * Runs {@code call} under the breaker; {@code op} and {@code key} name it in messages (joined only
     * when a message is made, so the common path builds no string).
     */
    <T> T call(String op, String key, Supplier<T> call) {
        if (!breaker.tryAcquirePermission()) {
            throw new S3UnavailableException("S3 at " + endpoint + " is unavailable (circuit breaker open after "
                    + "repeated failures); " + op + " " + key + " not attempted", openWait, null);
        }
        long start = System.nanoTime();
        try {
            T result = call.get();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw translate(op + " " + key, e);
        }
    }

    private RuntimeException translate(String what, RuntimeException e) {
        if (isOutage(e)) {
            return new S3UnavailableException("S3 at " + endpoint + " failed " + what + ": " + e.getMessage(), openWait, e);
        }
        if (e instanceof SdkServiceException s) {
            return new StorageException("S3 refused " + what + " (HTTP " + s.statusCode() + ")", Path.of(endpoint), e);
        }
        return e;
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    boolean isClosed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    Duration openWait() {
        return openWait;
    }
}
