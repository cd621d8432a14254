package io.cairn.server.config;

import java.util.Locale;

/**
 * Every setting {@code cairn serve} reads. The key is used as is in the configuration file, with
 * {@code --} as the flag, and upper-cased with {@code CAIRN_} in front as the environment variable
 * ({@code gateway-port}, {@code --gateway-port}, {@code CAIRN_GATEWAY_PORT}).
 */
public enum Setting {
    DATA("data", "data directory (the flatfs store is DATA/blocks)", "$XDG_DATA_HOME/cairn, else ~/.cairn"),
    BIND("bind", "address both listeners bind to", "127.0.0.1"),
    GATEWAY_PORT("gateway-port", "trustless gateway port, 0 for any free port", "8080"),
    API_PORT("api-port", "Kubo RPC and admin port, 0 for any free port", "5001"),
    MAX_MEMORY("max-memory", "memory budget of the governor (e.g. 512m, 2g)", "derived from the heap and container"),
    MAX_BLOCK_SIZE("max-block-size", "largest block accepted, even with allow-big-block", "4m"),
    MAX_CONCURRENT_REQUESTS("max-concurrent-requests", "requests in service at once per listener; more get 429", "256"),
    API_TOKEN("api-token", "bearer token the API requires (required when bind is not loopback)", "none"),
    FSYNC("fsync", "sync every block write to disk before acknowledging it", "true"),
    CACHE_SIZE("cache-size", "native memory of the block cache (may exceed the heap), 0 to disable", "a quarter of the memory budget"),
    READ_TIMEOUT("read-timeout", "longest time a request body may take to arrive", "30s"),
    IDLE_TIMEOUT("idle-timeout", "a connection silent this long is closed", "30s"),
    SHUTDOWN_TIMEOUT("shutdown-timeout", "time in-flight requests get to finish on shutdown", "10s"),
    MAX_HEADER_SIZE("max-header-size", "largest request header block", "8k"),
    STORE("store", "the base store: flatfs, s3 or memory", "flatfs"),
    S3_ENDPOINT("s3-endpoint", "S3 endpoint URL (MinIO, R2, Ceph); unset for AWS S3", "AWS S3"),
    S3_BUCKET("s3-bucket", "the bucket blocks are kept in (required with store = s3)", "none"),
    S3_PREFIX("s3-prefix", "folder inside the bucket", "none (the bucket's root)"),
    S3_REGION("s3-region", "signing region (auto for R2)", "us-east-1"),
    S3_PATH_STYLE("s3-path-style", "path-style URLs instead of virtual-host style (MinIO, s3proxy)", "false"),
    S3_CACHE_DIR("s3-cache-dir", "local disk cache of hot blocks in front of S3", "none"),
    S3_CACHE_SIZE("s3-cache-size", "the disk cache's byte budget", "1g"),
    STORAGE_MAX("storage-max", "most disk the blocks may use (e.g. 10g); writes beyond answer 507", "none"),
    STORAGE_GC_WATERMARK("storage-gc-watermark", "percent of storage-max at which garbage collection is due", "90"),
    HEADER_TIMEOUT("header-timeout", "longest time request headers may take to arrive once started", "10s"),
    MIN_UPLOAD_RATE("min-upload-rate", "bytes per second an upload must average after upload-grace, 0 for none", "1k"),
    UPLOAD_GRACE("upload-grace", "time an upload may arrive at any rate before min-upload-rate applies", "10s"),
    MAX_CONCURRENT_UPLOADS("max-concurrent-uploads", "uploads in service at once (their own pool); more get 429", "64"),
    GATEWAY_DESERIALIZED("gateway-deserialized", "serve UnixFS files, directory listings and dag-json renderings (auto: on loopback only)", "auto"),
    GATEWAY_CORS_ORIGIN("gateway-cors-origin", "Access-Control-Allow-Origin of the gateway: * or one origin; none turns CORS off", "*"),
    REDIS("redis", "one Redis server as the shared L2 tier, redis://host:port (password from CAIRN_REDIS_PASSWORD)", "none"),
    REDIS_CLUSTER("redis-cluster", "Redis Cluster seeds as the L2 tier, comma-separated host:port", "none"),
    REDIS_MAX_VALUE("redis-max-value", "largest block kept in Redis; larger ones skip the tier", "1m"),
    REDIS_TTL("redis-ttl", "how long a block lives in Redis", "1h"),
    GC_LEASE_TTL("gc-lease-ttl", "how long the cross-node GC lease in Redis outlives a dead holder (store = s3 with redis)", "30s"),
    DNS_RESOLVER("dns-resolver", "DNS server for DNSLink names, host[:port] (system: the system's resolvers)", "system");

    private final String key;
    private final String description;
    private final String defaultText;

    Setting(String key, String description, String defaultText) {
        this.key = key;
        this.description = description;
        this.defaultText = defaultText;
    }

    public String key() { return key; }
    public String flag() { return "--" + key; }
    public String envVar() { return "CAIRN_" + key.toUpperCase(Locale.ROOT).replace('-', '_'); }
    public String description() { return description; }
    public String defaultText() { return defaultText; }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
