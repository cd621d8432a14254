package io.cairn.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the bucket is and how to talk to it. Credentials are not here: they come from the SDK's
 * default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, system properties, the
 * {@code ~/.aws} profiles, container and instance roles), or from a provider given to
 * {@link S3Clients#build}.
 *
 * @param endpoint          the S3 endpoint, or {@code null} for AWS S3 in {@code region}
 * @param region            the signing region ({@code us-east-1} for most non-AWS stores, {@code auto} for R2)
 * @param bucket            the bucket; it must exist
 * @param prefix            folder inside the bucket, without slashes at either end; may be empty
 * @param pathStyle         {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 *                          (MinIO, s3proxy, Ceph without wildcard DNS)
 * @param callTimeout       the longest one operation may take, retries included
 * @param attemptTimeout    the longest one HTTP attempt may take
 * @param maxAttempts       attempts per operation (first try plus retries), backing off exponentially
 * @param retryBase         the first back-off delay; it doubles per retry, with jitter, up to {@code retryMax}
 * @param retryMax          the longest back-off delay
 * @param maxConnections    HTTP connections kept to the endpoint
 */
public record S3Settings(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
                         Duration callTimeout, Duration attemptTimeout, int maxAttempts,
                         Duration retryBase, Duration retryMax, int maxConnections) {

    public S3Settings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(retryBase, "retryBase");
        Objects.requireNonNull(retryMax, "retryMax");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("s3-bucket: a bucket name is required");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")))) {
            throw new IllegalArgumentException("s3-endpoint: '" + endpoint + "' is not an http:// or https:// URL");
        }
        prefix = S3Layout.normalise(prefix);
        if (callTimeout.isNegative() || callTimeout.isZero() || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("S3 timeouts must be positive");
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 20, got " + maxAttempts);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
    }

    /**
     * Defaults for everything but the place: 30 s per call, 10 s per attempt, 4 attempts backing off
     * from 100 ms to 2 s, 64 connections.
     */
    public static S3Settings of(URI endpoint, String region, String bucket, String prefix, boolean pathStyle) {
        return new S3Settings(endpoint, region, bucket, prefix, pathStyle, Duration.ofSeconds(30), Duration.ofSeconds(10),
                4, Duration.ofMillis(100), Duration.ofSeconds(2), 64);
    }

    public S3Settings withTimeouts(Duration call, Duration attempt) {
        return new S3Settings(endpoint, region, bucket, prefix, pathStyle, call, attempt, maxAttempts, retryBase, retryMax,
                maxConnections);
    }

    public S3Settings withRetries(int attempts, Duration base, Duration max) {
        return new S3Settings(endpoint, region, bucket, prefix, pathStyle, callTimeout, attemptTimeout, attempts, base, max,
                maxConnections);
    }

    /** A name for logs, metrics and the breaker: the endpoint (or "aws:REGION") and the bucket. */
    public String describe() {
        return (endpoint == null ? "aws:" + region : endpoint.toString()) + "/" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
