package io.cairn.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.cairn.server.gateway.GatewayConfig;

/**
 * Everything {@code cairn serve} needs, validated in one place: the constructor, reached only through
 * {@link Builder#build()}. Build one with {@link io.cairn.server.config.ConfigResolver} (file +
 * environment + flags, in that order of increasing precedence), or with {@link #builder(Path)} and
 * {@link #toBuilder()} in code and tests. docs/SERVER.md has the table of every setting, its default,
 * environment variable and flag.
 *
 * <p>A class with a builder rather than a positional record: with two dozen settings, a record's
 * canonical constructor made every new setting an edit of every copy ({@code withX}) and every
 * caller; here a setting is one field, one accessor and one builder method.
 */
public final class ServerConfig {

    /** The block size Kubo refuses without {@code allow-big-block}: 2 MiB, so blocks stay exchangeable. */
    public static final int SOFT_BLOCK_LIMIT = 2 * 1024 * 1024;

    private final Path dataDir;
    private final String bindAddress;
    private final int gatewayPort;
    private final int apiPort;
    private final long maxMemoryBytes;
    private final int maxBlockSize;
    private final int maxConcurrentRequests;
    private final String apiToken;
    private final boolean fsync;
    private final long cacheSizeBytes;
    private final Duration readTimeout;
    private final Duration idleTimeout;
    private final Duration shutdownTimeout;
    private final int maxHeaderSize;
    private final StoreType store;
    private final S3StoreConfig s3;
    private final long storageMaxBytes;
    private final int storageGcWatermarkPercent;
    private final Duration headerTimeout;
    private final long minUploadRate;
    private final Duration uploadGrace;
    private final int maxConcurrentUploads;
    private final GatewayConfig gateway;
    private final RedisConfig redis;
    private final Duration gcLeaseTtl;
    private final String dnsResolver;

    private ServerConfig(Builder b) {
        Path dataDir = b.dataDir;
        String bindAddress = b.bindAddress;
        int gatewayPort = b.gatewayPort;
        int apiPort = b.apiPort;
        long maxMemoryBytes = b.maxMemoryBytes;
        int maxBlockSize = b.maxBlockSize;
        int maxConcurrentRequests = b.maxConcurrentRequests;
        String apiToken = b.apiToken;
        boolean fsync = b.fsync;
        long cacheSizeBytes = b.cacheSizeBytes;
        Duration readTimeout = b.readTimeout;
        Duration idleTimeout = b.idleTimeout;
        Duration shutdownTimeout = b.shutdownTimeout;
        int maxHeaderSize = b.maxHeaderSize;
        StoreType store = b.store;
        S3StoreConfig s3 = b.s3;
        long storageMaxBytes = b.storageMaxBytes;
        int storageGcWatermarkPercent = b.storageGcWatermarkPercent;
        Duration headerTimeout = b.headerTimeout;
        long minUploadRate = b.minUploadRate;
        Duration uploadGrace = b.uploadGrace;
        int maxConcurrentUploads = b.maxConcurrentUploads;
        GatewayConfig gateway = b.gateway;
        RedisConfig redis = b.redis;
        Duration gcLeaseTtl = b.gcLeaseTtl;
        String dnsResolver = b.dnsResolver == null || b.dnsResolver.isBlank()
                || b.dnsResolver.trim().equalsIgnoreCase("system") ? null : b.dnsResolver.trim();
        if (dnsResolver != null && !dnsResolver.matches("(\\[[0-9a-fA-F:]+]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")) {
            throw new ConfigException("dns-resolver: '" + dnsResolver + "' is not host[:port] (or system)");
        }
        if (dnsResolver != null && dnsResolver.matches(".*:[0-9]{1,5}")) {
            checkPort("dns-resolver", Integer.parseInt(dnsResolver.substring(dnsResolver.lastIndexOf(':') + 1)));
        }
        if (dataDir == null) {
            throw new ConfigException("data: a data directory is required");
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new ConfigException("bind: an address is required");
        }
        checkPort("gateway-port", gatewayPort);
        checkPort("api-port", apiPort);
        if (gatewayPort != 0 && gatewayPort == apiPort) {
            throw new ConfigException("gateway-port and api-port are both " + apiPort + "; they need two different ports");
        }
        if (maxMemoryBytes != -1 && maxMemoryBytes < 16L * 1024 * 1024) {
            throw new ConfigException("max-memory: " + maxMemoryBytes + " bytes is below the 16m minimum");
        }
        if (maxBlockSize < 1024 || maxBlockSize > 64 * 1024 * 1024) {
            throw new ConfigException("max-block-size: " + maxBlockSize + " must be between 1k and 64m");
        }
        if (maxConcurrentRequests < 1 || maxConcurrentRequests > 100_000) {
            throw new ConfigException("max-concurrent-requests: " + maxConcurrentRequests + " must be between 1 and 100000");
        }
        apiToken = apiToken == null ? "" : apiToken;
        if (cacheSizeBytes < -1) { // -1: derive from the memory budget (StoreStack.effectiveCacheBytes)
            throw new ConfigException("cache-size: must not be negative");
        }
        checkPositive("read-timeout", readTimeout);
        checkPositive("idle-timeout", idleTimeout);
        checkPositive("shutdown-timeout", shutdownTimeout);
        if (maxHeaderSize < 1024 || maxHeaderSize > 1024 * 1024) {
            throw new ConfigException("max-header-size: " + maxHeaderSize + " must be between 1k and 1m");
        }
        store = store == null ? StoreType.FLATFS : store;
        s3 = s3 == null ? S3StoreConfig.defaults() : s3;
        if (store == StoreType.S3) {
            s3.checkUsable();
        }
        if (storageMaxBytes < 0) {
            throw new ConfigException("storage-max: must not be negative");
        }
        if (storageMaxBytes > 0 && storageMaxBytes < maxBlockSize) {
            throw new ConfigException("storage-max: " + storageMaxBytes + " bytes is below max-block-size ("
                    + maxBlockSize + "); not even one block would fit");
        }
        if (storageGcWatermarkPercent < 1 || storageGcWatermarkPercent > 100) {
            throw new ConfigException("storage-gc-watermark: " + storageGcWatermarkPercent + " must be a percentage between 1 and 100");
        }
        checkPositive("header-timeout", headerTimeout);
        if (minUploadRate < 0) {
            throw new ConfigException("min-upload-rate: must not be negative (0 disables the minimum)");
        }
        if (uploadGrace == null || uploadGrace.isNegative()) {
            throw new ConfigException("upload-grace: must not be negative");
        }
        if (maxConcurrentUploads < 1 || maxConcurrentUploads > 100_000) {
            throw new ConfigException("max-concurrent-uploads: " + maxConcurrentUploads + " must be between 1 and 100000");
        }
        if (gateway == null) {
            gateway = io.cairn.server.gateway.GatewayConfig.defaults();
        }
        redis = redis == null ? RedisConfig.defaults() : redis;
        if (gcLeaseTtl == null || gcLeaseTtl.toMillis() < 100 || gcLeaseTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("gc-lease-ttl: must be between 100ms and 1h");
        }
        if (apiToken.isEmpty() && !isLoopback(bindAddress)) {
            throw new ConfigException("api-token: required when bind is " + bindAddress
                    + " (beyond loopback); set --api-token or CAIRN_API_TOKEN, or bind to 127.0.0.1");
        }
        this.dataDir = dataDir;
        this.bindAddress = bindAddress;
        this.gatewayPort = gatewayPort;
        this.apiPort = apiPort;
        this.maxMemoryBytes = maxMemoryBytes;
        this.maxBlockSize = maxBlockSize;
        this.maxConcurrentRequests = maxConcurrentRequests;
        this.apiToken = apiToken;
        this.fsync = fsync;
        this.cacheSizeBytes = cacheSizeBytes;
        this.readTimeout = readTimeout;
        this.idleTimeout = idleTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.maxHeaderSize = maxHeaderSize;
        this.store = store;
        this.s3 = s3;
        this.storageMaxBytes = storageMaxBytes;
        this.storageGcWatermarkPercent = storageGcWatermarkPercent;
        this.headerTimeout = headerTimeout;
        this.minUploadRate = minUploadRate;
        this.uploadGrace = uploadGrace;
        this.maxConcurrentUploads = maxConcurrentUploads;
        this.gateway = gateway;
        this.redis = redis;
        this.gcLeaseTtl = gcLeaseTtl;
        this.dnsResolver = dnsResolver;
    }

    /** A builder holding the defaults, for everything but the data directory. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Defaults for everything but the data directory. */
    public static ServerConfig defaults(Path dataDir) {
        return builder(dataDir).build();
    }

    /** A builder holding this configuration's values, to derive another from it. */
    public Builder toBuilder() {
        Builder b = new Builder(dataDir);
        b.bindAddress = bindAddress;
        b.gatewayPort = gatewayPort;
        b.apiPort = apiPort;
        b.maxMemoryBytes = maxMemoryBytes;
        b.maxBlockSize = maxBlockSize;
        b.maxConcurrentRequests = maxConcurrentRequests;
        b.apiToken = apiToken;
        b.fsync = fsync;
        b.cacheSizeBytes = cacheSizeBytes;
        b.readTimeout = readTimeout;
        b.idleTimeout = idleTimeout;
        b.shutdownTimeout = shutdownTimeout;
        b.maxHeaderSize = maxHeaderSize;
        b.store = store;
        b.s3 = s3;
        b.storageMaxBytes = storageMaxBytes;
        b.storageGcWatermarkPercent = storageGcWatermarkPercent;
        b.headerTimeout = headerTimeout;
        b.minUploadRate = minUploadRate;
        b.uploadGrace = uploadGrace;
        b.maxConcurrentUploads = maxConcurrentUploads;
        b.gateway = gateway;
        b.redis = redis;
        b.gcLeaseTtl = gcLeaseTtl;
        b.dnsResolver = dnsResolver;
        return b;
    }

    /** Where the store lives; the flatfs directory is {@code dataDir/blocks}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Address both listeners bind to. */
    public String bindAddress() {
        return bindAddress;
    }

    /** Trustless-gateway port (0 = ephemeral). */
    public int gatewayPort() {
        return gatewayPort;
    }

    /** Kubo RPC + admin port (0 = ephemeral). */
    public int apiPort() {
        return apiPort;
    }

    /** The governor's budget; -1 lets the governor derive it from the heap and container. */
    public long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /** Hard limit on one block, also with {@code allow-big-block=true}. */
    public int maxBlockSize() {
        return maxBlockSize;
    }

    /** Requests served at once per listener beyond which the server answers 429. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** Bearer token the API requires, empty for none. */
    public String apiToken() {
        return apiToken;
    }

    /** Whether the flatfs store syncs each write to disk before acknowledging it. */
    public boolean fsync() {
        return fsync;
    }

    /** The block cache's byte budget (0 disables the cache, -1 derives it from the memory budget). */
    public long cacheSizeBytes() {
        return cacheSizeBytes;
    }

    /** Longest time one request body may take to arrive. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** A connection silent this long is closed (slow headers, idle keep-alive). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long in-flight requests get to finish on shutdown. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Largest request header block accepted, in bytes. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** The base store: flatfs (default), s3 or memory. */
    public StoreType store() {
        return store;
    }

    /** The s3-* settings, used when {@code store} is s3. */
    public S3StoreConfig s3() {
        return s3;
    }

    /** Most bytes the blocks may occupy on disk (0 = no limit); writes beyond answer 507. */
    public long storageMaxBytes() {
        return storageMaxBytes;
    }

    /** Percent of {@code storageMaxBytes} at which the store asks for a garbage collection. */
    public int storageGcWatermarkPercent() {
        return storageGcWatermarkPercent;
    }

    /** Longest time a request's headers may take to arrive once they have started. */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** Bytes per second a request body must average once {@code uploadGrace} is over; 0 for no minimum. */
    public long minUploadRate() {
        return minUploadRate;
    }

    /** How long a body may arrive at any rate before {@code minUploadRate} applies. */
    public Duration uploadGrace() {
        return uploadGrace;
    }

    /** Uploads ({@code block/put}, {@code dag/import}) in service at once, a pool of their own beside {@code maxConcurrentRequests}; beyond it 429. */
    public int maxConcurrentUploads() {
        return maxConcurrentUploads;
    }

    /** The gateway's own settings (deserialized responses, CORS). */
    public GatewayConfig gateway() {
        return gateway;
    }

    /** The redis* settings (the shared L2 tier), none by default. */
    public RedisConfig redis() {
        return redis;
    }

    /**
     * How long the cross-node garbage-collection lease in Redis outlives its holder's last renewal
     * (it is renewed every third of this while a collection runs): after a node dies mid-collection,
     * the next collection can start this much later.
     */
    public Duration gcLeaseTtl() {
        return gcLeaseTtl;
    }

    public ServerConfig withPorts(int gateway, int api) {
        return toBuilder().gatewayPort(gateway).apiPort(api).build();
    }

    public ServerConfig withMaxConcurrentRequests(int n) {
        return toBuilder().maxConcurrentRequests(n).build();
    }

    public ServerConfig withApiToken(String token) {
        return toBuilder().apiToken(token).build();
    }

    public ServerConfig withMaxMemory(long bytes) {
        return toBuilder().maxMemoryBytes(bytes).build();
    }

    public ServerConfig withTimeouts(Duration read, Duration idle) {
        return toBuilder().readTimeout(read).idleTimeout(idle).build();
    }

    /** The hostile-client limits: header deadline, minimum upload rate after a grace period, the upload pool. */
    public ServerConfig withClientLimits(Duration header, long minRate, Duration grace, int uploads) {
        return toBuilder().headerTimeout(header).minUploadRate(minRate).uploadGrace(grace).maxConcurrentUploads(uploads).build();
    }

    public ServerConfig withStore(StoreType type, S3StoreConfig s3Config) {
        return toBuilder().store(type).s3(s3Config).build();
    }

    public ServerConfig withStorageMax(long bytes, int gcWatermarkPercent) {
        return toBuilder().storageMaxBytes(bytes).storageGcWatermarkPercent(gcWatermarkPercent).build();
    }

    public ServerConfig withGateway(GatewayConfig g) {
        return toBuilder().gateway(g).build();
    }

    public ServerConfig withRedis(RedisConfig redisConfig) {
        return toBuilder().redis(redisConfig).build();
    }

    /** The same configuration with another cache size (MemorySizing clamps it at start). */
    public ServerConfig withCacheSize(long bytes) {
        return toBuilder().cacheSizeBytes(bytes).build();
    }

    /** Where the flatfs store lives. */
    public Path blocksDir() {
        return dataDir.resolve("blocks");
    }

    /** Where the pins live with a store of the node's own (see io.cairn.pin.PinStore); with {@code store = s3} they live in the bucket. */
    public Path pinsFile() {
        return dataDir.resolve("pins");
    }

    public Optional<String> token() {
        return apiToken.isEmpty() ? Optional.empty() : Optional.of(apiToken);
    }











    /** The DNS server DNSLink names are looked up at ({@code host[:port]}), or null for the system's resolvers. */
    public String dnsResolver() {
        return dnsResolver;
    }

    /** The gateway settings with {@code auto} decided by the bind address (deserialized on loopback only). */
    public GatewayConfig effectiveGateway() {
        return gateway.resolvedFor(isLoopback(bindAddress));
    }


    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException(name + ": " + port + " is not a port (0..65535; 0 picks a free one)");
        }
    }

    private static void checkPositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(name + ": must be a positive duration");
        }
    }

    /** True for 127.0.0.0/8, ::1 and "localhost"; the token requirement only applies beyond these. */
    static boolean isLoopback(String address) {
        if (address.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // Literal addresses only: resolving a host name here would make start-up depend on DNS.
            if (!address.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
                return false;
            }
            return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Two configurations are equal when every setting is (MemorySizing's "left alone" is tested so).
     * Compared field by field through reflection, so a new setting cannot be forgotten here.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServerConfig other)) {
            return false;
        }
        return java.util.Arrays.equals(values(), other.values());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values());
    }

    private Object[] values() {
        java.lang.reflect.Field[] fields = ServerConfig.class.getDeclaredFields();
        java.util.List<Object> out = new java.util.ArrayList<>(fields.length);
        for (java.lang.reflect.Field f : fields) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            try {
                out.add(f.get(this));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toArray();
    }

    @Override
    public String toString() {
        return "ServerConfig[data=" + dataDir + ", bind=" + bindAddress + ", gateway-port=" + gatewayPort
                + ", api-port=" + apiPort + ", store=" + store + ", max-memory=" + maxMemoryBytes
                + ", cache-size=" + cacheSizeBytes + ", api-token=" + (apiToken.isEmpty() ? "none" : "set") + "]";
    }

    /** Collects settings; {@link #build()} validates them all at once. Unset settings keep their defaults. */
    public static final class Builder {
        private Path dataDir;
        private String bindAddress = "127.0.0.1";
        private int gatewayPort = 8080;
        private int apiPort = 5001;
        private long maxMemoryBytes = -1;
        private int maxBlockSize = 4 * 1024 * 1024;
        private int maxConcurrentRequests = 256;
        private String apiToken = "";
        private boolean fsync = true;
        private long cacheSizeBytes = -1;
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private int maxHeaderSize = 8192;
        private StoreType store = StoreType.FLATFS;
        private S3StoreConfig s3 = S3StoreConfig.defaults();
        private long storageMaxBytes = 0;
        private int storageGcWatermarkPercent = 90;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private long minUploadRate = 1024;
        private Duration uploadGrace = Duration.ofSeconds(10);
        private int maxConcurrentUploads = 64;
        private GatewayConfig gateway = GatewayConfig.defaults();
        private RedisConfig redis = RedisConfig.defaults();
        private Duration gcLeaseTtl = Duration.ofSeconds(30);
        private String dnsResolver;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        public Builder bindAddress(String value) {
            this.bindAddress = value;
            return this;
        }

        public Builder gatewayPort(int value) {
            this.gatewayPort = value;
            return this;
        }

        public Builder apiPort(int value) {
            this.apiPort = value;
            return this;
        }

        public Builder maxMemoryBytes(long value) {
            this.maxMemoryBytes = value;
            return this;
        }

        public Builder maxBlockSize(int value) {
            this.maxBlockSize = value;
            return this;
        }

        public Builder maxConcurrentRequests(int value) {
            this.maxConcurrentRequests = value;
            return this;
        }

        public Builder apiToken(String value) {
            this.apiToken = value;
            return this;
        }

        public Builder fsync(boolean value) {
            this.fsync = value;
            return this;
        }

        public Builder cacheSizeBytes(long value) {
            this.cacheSizeBytes = value;
            return this;
        }

        public Builder readTimeout(Duration value) {
            this.readTimeout = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        public Builder maxHeaderSize(int value) {
            this.maxHeaderSize = value;
            return this;
        }

        public Builder store(StoreType value) {
            this.store = value;
            return this;
        }

        public Builder s3(S3StoreConfig value) {
            this.s3 = value;
            return this;
        }

        public Builder storageMaxBytes(long value) {
            this.storageMaxBytes = value;
            return this;
        }

        public Builder storageGcWatermarkPercent(int value) {
            this.storageGcWatermarkPercent = value;
            return this;
        }

        public Builder headerTimeout(Duration value) {
            this.headerTimeout = value;
            return this;
        }

        public Builder minUploadRate(long value) {
            this.minUploadRate = value;
            return this;
        }

        public Builder uploadGrace(Duration value) {
            this.uploadGrace = value;
            return this;
        }

        public Builder maxConcurrentUploads(int value) {
            this.maxConcurrentUploads = value;
            return this;
        }

        public Builder gateway(GatewayConfig value) {
            this.gateway = value;
            return this;
        }

        public Builder redis(RedisConfig value) {
            this.redis = value;
            return this;
        }

        public Builder gcLeaseTtl(Duration value) {
            this.gcLeaseTtl = value;
            return this;
        }

        /** {@code host[:port]} of the DNS server for DNSLink, or null / {@code system} for the system's. */
        public Builder dnsResolver(String value) {
            this.dnsResolver = value;
            return this;
        }

        /** @throws ConfigException naming the setting and what is wrong with it */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
