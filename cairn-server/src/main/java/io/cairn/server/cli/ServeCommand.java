package io.cairn.server.cli;

import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code cairn serve}: runs until SIGTERM or Ctrl-C, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the gateway and API listeners over the data directory.",
                "Each option also comes from an environment variable (CAIRN_<OPTION>, e.g. CAIRN_GATEWAY_PORT)",
                "or from the configuration file (key = value lines, keys as the option names without --).",
                "Precedence: flag > environment > file > default. Sizes: 64k, 512m, 2g. Durations: 500ms, 30s, 5m."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    CairnCli cli;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (env CAIRN_CONFIG).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default $XDG_DATA_HOME/cairn, else ~/.cairn).")
    String data;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address both listeners bind to (default 127.0.0.1).")
    String bind;

    @Option(names = "--gateway-port", paramLabel = "N", description = "Gateway port, 0 for any free one (default 8080).")
    String gatewayPort;

    @Option(names = "--api-port", paramLabel = "N", description = "API port, 0 for any free one (default 5001).")
    String apiPort;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Memory budget (default: derived from heap and container).")
    String maxMemory;

    @Option(names = "--max-block-size", paramLabel = "SIZE", description = "Largest block accepted (default 4m).")
    String maxBlockSize;

    @Option(names = "--max-concurrent-requests", paramLabel = "N", description = "Per listener; more get 429 (default 256).")
    String maxConcurrent;

    @Option(names = "--api-token", paramLabel = "TOKEN", description = "Bearer token the API requires (default none).")
    String apiToken;

    @Option(names = "--fsync", paramLabel = "BOOL", description = "Sync each block to disk before acknowledging (default true).")
    String fsync;

    @Option(names = "--cache-size", paramLabel = "SIZE", description = "Block cache budget in native memory, may exceed the heap; 0 disables (default: a quarter of the memory budget).")
    String cacheSize;

    @Option(names = "--read-timeout", paramLabel = "DURATION", description = "Longest time a request body may take (default 30s).")
    String readTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Idle connections are closed after this (default 30s).")
    String idleTimeout;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", description = "Time in-flight requests get on shutdown (default 10s).")
    String shutdownTimeout;

    @Option(names = "--max-header-size", paramLabel = "SIZE", description = "Largest request header block (default 8k).")
    String maxHeaderSize;

    @Option(names = "--store", paramLabel = "TYPE", description = "Base store: flatfs, s3 or memory (default flatfs).")
    String store;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint (MinIO, R2, Ceph); unset for AWS S3.")
    String s3Endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME", description = "Bucket for store = s3 (required then).")
    String s3Bucket;

    @Option(names = "--s3-prefix", paramLabel = "PATH", description = "Folder inside the bucket (default none).")
    String s3Prefix;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "Signing region (default us-east-1; auto for R2).")
    String s3Region;

    @Option(names = "--s3-path-style", paramLabel = "BOOL", description = "Path-style URLs, for MinIO and s3proxy (default false).")
    String s3PathStyle;

    @Option(names = "--s3-cache-dir", paramLabel = "DIR", description = "Local disk cache of hot blocks (default none).")
    String s3CacheDir;

    @Option(names = "--s3-cache-size", paramLabel = "SIZE", description = "Disk cache budget (default 1g).")
    String s3CacheSize;

    @Option(names = "--storage-max", paramLabel = "SIZE", description = "Most disk the blocks may use; beyond it 507 (default none).")
    String storageMax;

    @Option(names = "--storage-gc-watermark", paramLabel = "PERCENT", description = "Percent of storage-max at which GC is due (default 90).")
    String storageGcWatermark;
    @Option(names = "--header-timeout", paramLabel = "DURATION", description = "Longest time request headers may take once started (default 10s).")
    String headerTimeout;

    @Option(names = "--min-upload-rate", paramLabel = "SIZE", description = "Bytes/s an upload must average after --upload-grace, 0 for none (default 1k).")
    String minUploadRate;

    @Option(names = "--upload-grace", paramLabel = "DURATION", description = "Time an upload may arrive at any rate (default 10s).")
    String uploadGrace;

    @Option(names = "--max-concurrent-uploads", paramLabel = "N", description = "Uploads in service at once, their own pool; more get 429 (default 64).")
    String maxConcurrentUploads;
    @Option(names = "--gateway-deserialized", paramLabel = "auto|true|false",
            description = "Serve UnixFS files, listings and dag-json on the gateway (default auto: on loopback only).")
    String gatewayDeserialized;

    @Option(names = "--gateway-cors-origin", paramLabel = "ORIGIN",
            description = "The gateway's Access-Control-Allow-Origin: * or one origin; none turns CORS off (default *).")
    String gatewayCorsOrigin;

    @Option(names = "--redis", paramLabel = "URI", description = "One Redis server as the L2 tier, redis://host:port (password from CAIRN_REDIS_PASSWORD).")
    String redis;

    @Option(names = "--redis-cluster", paramLabel = "SEEDS", description = "Redis Cluster seeds as the L2 tier, host:port,host:port,...")
    String redisCluster;

    @Option(names = "--redis-max-value", paramLabel = "SIZE", description = "Largest block kept in Redis (default 1m).")
    String redisMaxValue;

    @Option(names = "--redis-ttl", paramLabel = "DURATION", description = "How long a block lives in Redis (default 1h).")
    String redisTtl;

    @Option(names = "--gc-lease-ttl", paramLabel = "DURATION",
            description = "How long the cross-node GC lease in Redis outlives a holder that died (default 30s).")
    String gcLeaseTtl;
    @Option(names = "--dns-resolver", paramLabel = "HOST[:PORT]",
            description = "DNS server for DNSLink names (default: the system's resolvers).")
    String dnsResolver;

    Map<Setting, String> flags() {
        Map<Setting, String> m = new EnumMap<>(Setting.class);
        put(m, Setting.DATA, data);
        put(m, Setting.BIND, bind);
        put(m, Setting.GATEWAY_PORT, gatewayPort);
        put(m, Setting.API_PORT, apiPort);
        put(m, Setting.MAX_MEMORY, maxMemory);
        put(m, Setting.MAX_BLOCK_SIZE, maxBlockSize);
        put(m, Setting.MAX_CONCURRENT_REQUESTS, maxConcurrent);
        put(m, Setting.API_TOKEN, apiToken);
        put(m, Setting.FSYNC, fsync);
        put(m, Setting.CACHE_SIZE, cacheSize);
        put(m, Setting.READ_TIMEOUT, readTimeout);
        put(m, Setting.IDLE_TIMEOUT, idleTimeout);
        put(m, Setting.SHUTDOWN_TIMEOUT, shutdownTimeout);
        put(m, Setting.MAX_HEADER_SIZE, maxHeaderSize);
        put(m, Setting.STORE, store);
        put(m, Setting.S3_ENDPOINT, s3Endpoint);
        put(m, Setting.S3_BUCKET, s3Bucket);
        put(m, Setting.S3_PREFIX, s3Prefix);
        put(m, Setting.S3_REGION, s3Region);
        put(m, Setting.S3_PATH_STYLE, s3PathStyle);
        put(m, Setting.S3_CACHE_DIR, s3CacheDir);
        put(m, Setting.S3_CACHE_SIZE, s3CacheSize);
        put(m, Setting.STORAGE_MAX, storageMax);
        put(m, Setting.STORAGE_GC_WATERMARK, storageGcWatermark);
        put(m, Setting.HEADER_TIMEOUT, headerTimeout);
        put(m, Setting.MIN_UPLOAD_RATE, minUploadRate);
        put(m, Setting.UPLOAD_GRACE, uploadGrace);
        put(m, Setting.MAX_CONCURRENT_UPLOADS, maxConcurrentUploads);
        put(m, Setting.GATEWAY_DESERIALIZED, gatewayDeserialized);
        put(m, Setting.GATEWAY_CORS_ORIGIN, gatewayCorsOrigin);
        put(m, Setting.REDIS, redis);
        put(m, Setting.REDIS_CLUSTER, redisCluster);
        put(m, Setting.REDIS_MAX_VALUE, redisMaxValue);
        put(m, Setting.REDIS_TTL, redisTtl);
        put(m, Setting.GC_LEASE_TTL, gcLeaseTtl);
        put(m, Setting.DNS_RESOLVER, dnsResolver);
        return m;
    }

    private static void put(Map<Setting, String> m, Setting s, String v) {
        if (v != null) {
            m.put(s, v);
        }
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = new ConfigResolver(cli.env).resolve(flags(), config);
        CairnServer server = CairnServer.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cli.err.println("cairn: shutting down (finishing requests in flight, up to " + cfg.shutdownTimeout().toSeconds() + " s)");
            server.close();
            cli.err.println("cairn: stopped; store closed");
            cli.err.flush();
            stopped.countDown();
        }, "cairn-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long budget = server.governor().budgetBytes();
        cli.out.println("cairn " + CairnServer.version() + " serving");
        cli.out.println("gateway: " + server.gatewayUri() + "/ipfs/{cid}");
        cli.out.println("api: " + server.apiUri() + "/api/v0/ (metrics " + server.apiUri() + "/metrics, health "
                + server.apiUri() + "/health)");
        cli.out.println("data: " + cfg.dataDir().toAbsolutePath() + switch (cfg.store()) {
            case FLATFS -> " (flatfs in " + cfg.blocksDir().toAbsolutePath() + ")";
            case S3 -> " (blocks in s3://" + cfg.s3().bucket() + "/" + cfg.s3().prefix() + " at "
                    + (cfg.s3().endpoint() == null ? "AWS S3 " + cfg.s3().region() : cfg.s3().endpoint()) + ")";
            case MEMORY -> " (unused: blocks in memory only, lost on exit)";
        });
        cli.out.println("memory budget: " + ImportProgress.size(budget) + ", cache " + ImportProgress.size(server.cacheBytes())
                + ", max block " + ImportProgress.size(cfg.maxBlockSize())
                + ", auth " + (cfg.token().isPresent() ? "bearer token" : "none (loopback only)"));
        cli.out.flush();
        server.join();
        stopped.await();
        return 0;
    }
}
