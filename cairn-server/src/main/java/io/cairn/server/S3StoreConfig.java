package io.cairn.server;

import java.net.URI;
import java.nio.file.Path;

/**
 * The {@code s3-*} settings, used when {@code store = s3}. Credentials are not settings: they come
 * from the AWS SDK's default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles).
 *
 * @param endpoint       the S3 endpoint URL, or {@code null} for AWS S3 itself
 * @param bucket         the bucket (required with {@code store = s3})
 * @param prefix         folder inside the bucket, may be empty
 * @param region         the signing region
 * @param pathStyle      path-style URLs (MinIO, s3proxy, Ceph) instead of virtual-host style
 * @param cacheDir       the local disk cache directory, or {@code null} for none
 * @param cacheSizeBytes the disk cache's budget in bytes (used when {@code cacheDir} is set)
 */
public record S3StoreConfig(URI endpoint, String bucket, String prefix, String region, boolean pathStyle,
                            Path cacheDir, long cacheSizeBytes) {

    public S3StoreConfig {
        bucket = bucket == null ? "" : bucket.strip();
        prefix = prefix == null ? "" : prefix.strip();
        region = region == null || region.isBlank() ? "us-east-1" : region.strip();
        if (endpoint != null && (endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
            throw new ConfigException("s3-endpoint: '" + endpoint + "' is not an http:// or https:// URL with a host");
        }
        if (cacheSizeBytes < 0) {
            throw new ConfigException("s3-cache-size: must not be negative");
        }
    }

    /** No bucket, AWS's endpoint, us-east-1, virtual-host style, no disk cache (1g if a directory is given). */
    public static S3StoreConfig defaults() {
        return new S3StoreConfig(null, "", "", "us-east-1", false, null, 1L << 30);
    }

    /** What {@code store = s3} needs beyond the defaults; called by {@link ServerConfig}. */
    void checkUsable() {
        if (bucket.isEmpty()) {
            throw new ConfigException("s3-bucket: required when store is s3");
        }
        if (!bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")) {
            throw new ConfigException("s3-bucket: '" + bucket + "' is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')");
        }
        if (cacheDir != null && cacheSizeBytes < 1024 * 1024) {
            throw new ConfigException("s3-cache-size: " + cacheSizeBytes + " bytes is below the 1m minimum for a disk cache");
        }
    }
}
