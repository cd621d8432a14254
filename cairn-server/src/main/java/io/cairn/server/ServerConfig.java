package io.cairn.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything {@code cairn serve} needs, validated. Build one with {@link io.cairn.server.config.ConfigResolver}
 * (file + environment + flags, in that order of increasing precedence) or {@link #defaults(Path)} in tests.
 * docs/SERVER.md has the table of every setting, its default, environment variable and flag.
 *
 * @param dataDir               where the store lives; the flatfs directory is {@code dataDir/blocks}
 * @param bindAddress           address both listeners bind to
 * @param gatewayPort           trustless-gateway port (0 = ephemeral)
 * @param apiPort               Kubo RPC + admin port (0 = ephemeral)
 * @param maxMemoryBytes        the governor's budget; -1 lets the governor derive it from the heap and container
 * @param maxBlockSize          hard limit on one block, also with {@code allow-big-block=true}
 * @param maxConcurrentRequests requests served at once per listener beyond which the server answers 429
 * @param apiToken              bearer token the API requires, empty for none
 * @param fsync                 whether the flatfs store syncs each write to disk before acknowledging it
 * @param cacheSizeBytes        the block cache's byte budget (0 disables the cache, -1 derives it
 *                              from the memory budget)
 * @param readTimeout           longest time one request body may take to arrive
 * @param idleTimeout           a connection silent this long is closed (slow headers, idle keep-alive)
 * @param shutdownTimeout       how long in-flight requests get to finish on shutdown
 * @param maxHeaderSize         largest request header block accepted, in bytes
 * @param store                 the base store: flatfs (default), s3 or memory
 * @param s3                    the s3-* settings, used when {@code store} is s3
 * @param storageMaxBytes       most bytes the blocks may occupy on disk (0 = no limit); writes beyond answer 507
 * @param storageGcWatermarkPercent percent of {@code storageMaxBytes} at which the store asks for a garbage collection
 * @param headerTimeout         longest time a request's headers may take to arrive once they have started
 * @param minUploadRate         bytes per second a request body must average once {@code uploadGrace} is over; 0 for no minimum
 * @param uploadGrace           how long a body may arrive at any rate before {@code minUploadRate} applies
 * @param maxConcurrentUploads  uploads ({@code block/put}, {@code dag/import}) in service at once, a pool of
 *                              their own beside {@code maxConcurrentRequests}; beyond it 429
 * @param gateway               the gateway's own settings (deserialized responses, CORS)
 * @param redis                 the redis* settings (the shared L2 tier), none by default
 */
public record ServerConfig(
        Path dataDir,
        String bindAddress,
        int gatewayPort,
        int apiPort,
        long maxMemoryBytes,
        int maxBlockSize,
        int maxConcurrentRequests,
        String apiToken,
        boolean fsync,
        long cacheSizeBytes,
        Duration readTimeout,
        Duration idleTimeout,
        Duration shutdownTimeout,
        int maxHeaderSize,
        StoreType store,
        S3StoreConfig s3,
        long storageMaxBytes,
        int storageGcWatermarkPercent,
        Duration headerTimeout,
        long minUploadRate,
        Duration uploadGrace,
        int maxConcurrentUploads,
        io.cairn.server.gateway.GatewayConfig gateway,
        RedisConfig redis) {

    /** The block size Kubo refuses without {@code allow-big-block}: 2 MiB, so blocks stay exchangeable. */
    public static final int SOFT_BLOCK_LIMIT = 2 * 1024 * 1024;

    public ServerConfig {
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
        if (apiToken.isEmpty() && !isLoopback(bindAddress)) {
            throw new ConfigException("api-token: required when bind is " + bindAddress
                    + " (beyond loopback); set --api-token or CAIRN_API_TOKEN, or bind to 127.0.0.1");
        }
    }

    /** Defaults for everything but the data directory. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "127.0.0.1", 8080, 5001, -1, 4 * 1024 * 1024, 256, "", true,
                -1, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10), 8192,
                StoreType.FLATFS, S3StoreConfig.defaults(), 0, 90, Duration.ofSeconds(10), 1024, Duration.ofSeconds(10), 64,
                io.cairn.server.gateway.GatewayConfig.defaults(), RedisConfig.defaults());
    }

    /** Where the flatfs store lives. */
    public Path blocksDir() {
        return dataDir.resolve("blocks");
    }

    /** Where the pins live (see io.cairn.pin.PinStore). */
    public Path pinsFile() {
        return dataDir.resolve("pins");
    }

    public Optional<String> token() {
        return apiToken.isEmpty() ? Optional.empty() : Optional.of(apiToken);
    }

    public ServerConfig withPorts(int gateway, int api) {
        return new ServerConfig(dataDir, bindAddress, gateway, api, maxMemoryBytes, maxBlockSize, maxConcurrentRequests,
                apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize, store, s3,
                storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, this.gateway, redis);
    }

    public ServerConfig withMaxConcurrentRequests(int n) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize, n,
                apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize, store, s3,
                storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    public ServerConfig withApiToken(String token) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, token, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize, store, s3,
                storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    public ServerConfig withMaxMemory(long bytes) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, bytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize, store, s3,
                storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    public ServerConfig withTimeouts(Duration read, Duration idle) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, read, idle, shutdownTimeout, maxHeaderSize, store, s3,
                storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    /** The hostile-client limits: header deadline, minimum upload rate after a grace period, the upload pool. */
    public ServerConfig withClientLimits(Duration header, long minRate, Duration grace, int uploads) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout,
                maxHeaderSize, store, s3, storageMaxBytes, storageGcWatermarkPercent, header, minRate, grace, uploads, gateway, redis);
    }

    public ServerConfig withStore(StoreType type, S3StoreConfig s3Config) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize,
                type, s3Config, storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    public ServerConfig withStorageMax(long bytes, int gcWatermarkPercent) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout,
                maxHeaderSize, store, s3, bytes, gcWatermarkPercent, headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
    }

    public ServerConfig withGateway(io.cairn.server.gateway.GatewayConfig g) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize,
                store, s3, storageMaxBytes, storageGcWatermarkPercent, headerTimeout, minUploadRate, uploadGrace,
                maxConcurrentUploads, g, redis);
    }

    public ServerConfig withRedis(RedisConfig redisConfig) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, cacheSizeBytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize,
                store, s3, storageMaxBytes, storageGcWatermarkPercent, headerTimeout, minUploadRate, uploadGrace,
                maxConcurrentUploads, gateway, redisConfig);
    }

    /** The gateway settings with {@code auto} decided by the bind address (deserialized on loopback only). */
    public io.cairn.server.gateway.GatewayConfig effectiveGateway() {
        return gateway.resolvedFor(isLoopback(bindAddress));
    }

    /** The same configuration with another cache size (MemorySizing clamps it at start). */
    public ServerConfig withCacheSize(long bytes) {
        return new ServerConfig(dataDir, bindAddress, gatewayPort, apiPort, maxMemoryBytes, maxBlockSize,
                maxConcurrentRequests, apiToken, fsync, bytes, readTimeout, idleTimeout, shutdownTimeout, maxHeaderSize,
                store, s3, storageMaxBytes, storageGcWatermarkPercent,
                headerTimeout, minUploadRate, uploadGrace, maxConcurrentUploads, gateway, redis);
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
}
