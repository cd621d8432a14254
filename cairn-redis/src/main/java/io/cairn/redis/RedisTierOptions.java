package io.cairn.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Redis tier behaves. Validated on construction; {@link #defaults()} is what {@code cairn
 * serve} uses unless configured otherwise.
 *
 * @param maxValueBytes    largest block the tier stores; larger ones skip it (Redis runs commands on
 *                         one thread, so a multi-megabyte GET stalls every client of that node)
 * @param ttl              how long a stored block lives in Redis
 * @param commandTimeout   longest wait for one Redis command; past it the read falls through to the store
 * @param keyPrefix        prefix of every key, so several deployments can share one Redis
 * @param breakerOpenFor   how long the circuit breaker stays open before it lets a trial call through
 */
public record RedisTierOptions(int maxValueBytes, Duration ttl, Duration commandTimeout, String keyPrefix,
                               Duration breakerOpenFor) {
    /** 1 MiB: UnixFS leaves (256 KiB, 1 MiB in the 2025 profile) fit; 2–4 MiB blocks skip the tier. */
    public static final int DEFAULT_MAX_VALUE = 1024 * 1024;
    public static final int MAX_VALUE_LIMIT = 64 * 1024 * 1024;

    public RedisTierOptions {
        if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_LIMIT) {
            throw new IllegalArgumentException("redis-max-value: " + maxValueBytes + " must be between 1 byte and 64m");
        }
        requirePositive("redis-ttl", ttl);
        requirePositive("redis timeout", commandTimeout);
        requirePositive("redis breaker open time", breakerOpenFor);
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("redis-ttl: " + ttl + " is under a millisecond");
        }
    }

    public static RedisTierOptions defaults() {
        return new RedisTierOptions(DEFAULT_MAX_VALUE, Duration.ofHours(1), Duration.ofMillis(250), "cairn:blk:",
                Duration.ofSeconds(5));
    }

    public RedisTierOptions withMaxValueBytes(int bytes) {
        return new RedisTierOptions(bytes, ttl, commandTimeout, keyPrefix, breakerOpenFor);
    }

    public RedisTierOptions withTtl(Duration d) {
        return new RedisTierOptions(maxValueBytes, d, commandTimeout, keyPrefix, breakerOpenFor);
    }

    public RedisTierOptions withCommandTimeout(Duration d) {
        return new RedisTierOptions(maxValueBytes, ttl, d, keyPrefix, breakerOpenFor);
    }

    public RedisTierOptions withBreakerOpenFor(Duration d) {
        return new RedisTierOptions(maxValueBytes, ttl, commandTimeout, keyPrefix, d);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, got " + d);
        }
    }
}
