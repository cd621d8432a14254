package io.cairn.server;

import io.cairn.redis.RedisEndpoint;
import io.cairn.redis.RedisTierOptions;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code redis*} settings: where the shared L2 tier is (one server with {@code redis}, or the
 * seeds of a Redis Cluster with {@code redis-cluster}, never both), the largest block it stores and
 * how long a block lives there. The password is not a setting: it comes from the environment
 * variable {@value #PASSWORD_ENV}, so it is never written in a configuration file.
 *
 * @param standalone     {@code redis://host:port} of one server, or empty
 * @param clusterSeeds   comma-separated cluster seeds, or empty
 * @param maxValueBytes  largest block stored in Redis (larger ones skip the tier)
 * @param ttl            how long a block lives in Redis
 * @param password       from {@value #PASSWORD_ENV}, if set
 */
public record RedisConfig(String standalone, String clusterSeeds, long maxValueBytes, Duration ttl,
                          Optional<String> password) {
    /** The environment variable holding the Redis password. */
    public static final String PASSWORD_ENV = "CAIRN_REDIS_PASSWORD";

    public RedisConfig {
        standalone = standalone == null ? "" : standalone.strip();
        clusterSeeds = clusterSeeds == null ? "" : clusterSeeds.strip();
        password = password == null ? Optional.empty() : password.filter(p -> !p.isEmpty());
        if (!standalone.isEmpty() && !clusterSeeds.isEmpty()) {
            throw new ConfigException("redis: set either redis (one server) or redis-cluster (seeds), not both");
        }
        if (maxValueBytes < 1 || maxValueBytes > RedisTierOptions.MAX_VALUE_LIMIT) {
            throw new ConfigException("redis-max-value: " + maxValueBytes + " bytes must be between 1 byte and 64m");
        }
        if (ttl == null || ttl.toMillis() < 1) {
            throw new ConfigException("redis-ttl: must be a positive duration of at least 1ms");
        }
        try {
            endpointOf(standalone, clusterSeeds, password);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** No Redis; 1 MiB values and a one-hour TTL once one is given. */
    public static RedisConfig defaults() {
        return new RedisConfig("", "", RedisTierOptions.DEFAULT_MAX_VALUE, Duration.ofHours(1), Optional.empty());
    }

    /** Where Redis is, or empty when the tier is not configured. */
    public Optional<RedisEndpoint> endpoint() {
        return endpointOf(standalone, clusterSeeds, password);
    }

    /** The tier's options: the defaults with this value cap and TTL. */
    public RedisTierOptions options() {
        return RedisTierOptions.defaults().withMaxValueBytes((int) maxValueBytes).withTtl(ttl);
    }

    public RedisConfig withStandalone(String uri) {
        return new RedisConfig(uri, "", maxValueBytes, ttl, password);
    }

    public RedisConfig withCluster(String seeds) {
        return new RedisConfig("", seeds, maxValueBytes, ttl, password);
    }

    private static Optional<RedisEndpoint> endpointOf(String standalone, String seeds, Optional<String> password) {
        if (!standalone.isEmpty()) {
            return Optional.of(RedisEndpoint.standalone(standalone, password));
        }
        if (!seeds.isEmpty()) {
            return Optional.of(RedisEndpoint.cluster(seeds, password));
        }
        return Optional.empty();
    }
}
