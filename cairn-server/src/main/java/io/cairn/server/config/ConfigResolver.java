package io.cairn.server.config;

import io.cairn.server.ConfigException;
import io.cairn.server.ServerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a {@link ServerConfig} from four layers, highest first: command-line flags, environment
 * variables ({@code CAIRN_*}), the configuration file, built-in defaults. Every value is checked at
 * once and an error names the setting and the layer (and file line) it came from.
 *
 * <p>The file format is deliberately tiny: one {@code key = value} per line, {@code #} starts a
 * comment line, blank lines are ignored, keys are the flag names without {@code --}. Unknown keys
 * are errors, because a misspelt setting that is silently ignored is worse than a refusal to start.
 */
public final class ConfigResolver {
    /** The variable naming the configuration file when {@code --config} is absent. */
    public static final String CONFIG_ENV = "CAIRN_CONFIG";

    private final Map<String, String> env;

    public ConfigResolver(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A value and where it came from, for error messages. */
    private record Sourced(String value, String origin) {
    }

    /**
     * @param flags      values given on the command line, by {@link Setting}
     * @param configFile the file named by {@code --config}, or null to consult {@code CAIRN_CONFIG}
     */
    public ServerConfig resolve(Map<Setting, String> flags, Path configFile) {
        Map<Setting, Sourced> merged = new EnumMap<>(Setting.class);
        Path file = configFile;
        if (file == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
            file = Path.of(env.get(CONFIG_ENV));
        }
        if (file != null) {
            merged.putAll(readFile(file));
        }
        for (Setting s : Setting.values()) {
            String v = env.get(s.envVar());
            if (v != null && !v.isBlank()) {
                merged.put(s, new Sourced(v.trim(), "environment variable " + s.envVar()));
            }
        }
        flags.forEach((s, v) -> {
            if (v != null) {
                merged.put(s, new Sourced(v.trim(), "flag " + s.flag()));
            }
        });

        ServerConfig d = ServerConfig.defaults(defaultDataDir(env));
        Path data = get(merged, Setting.DATA, Path::of, d.dataDir());
        String bind = get(merged, Setting.BIND, v -> v, d.bindAddress());
        int gatewayPort = get(merged, Setting.GATEWAY_PORT, Values::parseInt, d.gatewayPort());
        int apiPort = get(merged, Setting.API_PORT, Values::parseInt, d.apiPort());
        long maxMemory = get(merged, Setting.MAX_MEMORY, Values::parseSize, d.maxMemoryBytes());
        long maxBlock = get(merged, Setting.MAX_BLOCK_SIZE, Values::parseSize, (long) d.maxBlockSize());
        int concurrency = get(merged, Setting.MAX_CONCURRENT_REQUESTS, Values::parseInt, d.maxConcurrentRequests());
        String token = get(merged, Setting.API_TOKEN, v -> v, d.apiToken());
        boolean fsync = get(merged, Setting.FSYNC, Values::parseBoolean, d.fsync());
        long cache = get(merged, Setting.CACHE_SIZE, Values::parseSize, d.cacheSizeBytes());
        Duration read = get(merged, Setting.READ_TIMEOUT, Values::parseDuration, d.readTimeout());
        Duration idle = get(merged, Setting.IDLE_TIMEOUT, Values::parseDuration, d.idleTimeout());
        Duration shutdown = get(merged, Setting.SHUTDOWN_TIMEOUT, Values::parseDuration, d.shutdownTimeout());
        long header = get(merged, Setting.MAX_HEADER_SIZE, Values::parseSize, (long) d.maxHeaderSize());
        io.cairn.server.StoreType store = get(merged, Setting.STORE, io.cairn.server.StoreType::parse, d.store());
        io.cairn.server.S3StoreConfig s3d = d.s3();
        java.net.URI s3Endpoint = get(merged, Setting.S3_ENDPOINT, java.net.URI::create, s3d.endpoint());
        String s3Bucket = get(merged, Setting.S3_BUCKET, v -> v, s3d.bucket());
        String s3Prefix = get(merged, Setting.S3_PREFIX, v -> v, s3d.prefix());
        String s3Region = get(merged, Setting.S3_REGION, v -> v, s3d.region());
        boolean s3PathStyle = get(merged, Setting.S3_PATH_STYLE, Values::parseBoolean, s3d.pathStyle());
        Path s3CacheDir = get(merged, Setting.S3_CACHE_DIR, Path::of, s3d.cacheDir());
        long s3CacheSize = get(merged, Setting.S3_CACHE_SIZE, Values::parseSize, s3d.cacheSizeBytes());
        long storageMax = get(merged, Setting.STORAGE_MAX, v -> v.equalsIgnoreCase("none") ? 0L : Values.parseSize(v),
                d.storageMaxBytes());
        int watermark = get(merged, Setting.STORAGE_GC_WATERMARK, v -> Values.parseInt(v.endsWith("%")
                ? v.substring(0, v.length() - 1) : v), d.storageGcWatermarkPercent());
        Duration headerTimeout = get(merged, Setting.HEADER_TIMEOUT, Values::parseDuration, d.headerTimeout());
        long minUploadRate = get(merged, Setting.MIN_UPLOAD_RATE, Values::parseSize, d.minUploadRate());
        Duration uploadGrace = get(merged, Setting.UPLOAD_GRACE, Values::parseDuration, d.uploadGrace());
        int uploads = get(merged, Setting.MAX_CONCURRENT_UPLOADS, Values::parseInt, d.maxConcurrentUploads());
        io.cairn.server.gateway.GatewayConfig.Deserialized deserialized = get(merged, Setting.GATEWAY_DESERIALIZED,
                io.cairn.server.gateway.GatewayConfig::parseDeserialized, d.gateway().deserialized());
        String corsOrigin = get(merged, Setting.GATEWAY_CORS_ORIGIN, v -> v, d.gateway().corsOrigin());
        io.cairn.server.RedisConfig rd = d.redis();
        String redis = get(merged, Setting.REDIS, v -> v, rd.standalone());
        String redisCluster = get(merged, Setting.REDIS_CLUSTER, v -> v, rd.clusterSeeds());
        long redisMaxValue = get(merged, Setting.REDIS_MAX_VALUE, Values::parseSize, rd.maxValueBytes());
        Duration redisTtl = get(merged, Setting.REDIS_TTL, Values::parseDuration, rd.ttl());
        Duration gcLeaseTtl = get(merged, Setting.GC_LEASE_TTL, Values::parseDuration, d.gcLeaseTtl());
        String dnsResolver = get(merged, Setting.DNS_RESOLVER, v -> v, d.dnsResolver());
        java.util.Optional<String> redisPassword = java.util.Optional.ofNullable(env.get(io.cairn.server.RedisConfig.PASSWORD_ENV));
        if (maxBlock > Integer.MAX_VALUE || header > Integer.MAX_VALUE) {
            throw new ConfigException((maxBlock > Integer.MAX_VALUE ? "max-block-size" : "max-header-size") + ": too large");
        }
        try {
            return ServerConfig.builder(data)
                    .bindAddress(bind).gatewayPort(gatewayPort).apiPort(apiPort)
                    .maxMemoryBytes(maxMemory).maxBlockSize((int) maxBlock).maxConcurrentRequests(concurrency)
                    .apiToken(token).fsync(fsync).cacheSizeBytes(cache)
                    .readTimeout(read).idleTimeout(idle).shutdownTimeout(shutdown).maxHeaderSize((int) header)
                    .store(store)
                    .s3(new io.cairn.server.S3StoreConfig(s3Endpoint, s3Bucket, s3Prefix, s3Region, s3PathStyle, s3CacheDir, s3CacheSize))
                    .storageMaxBytes(storageMax).storageGcWatermarkPercent(watermark)
                    .headerTimeout(headerTimeout).minUploadRate(minUploadRate).uploadGrace(uploadGrace)
                    .maxConcurrentUploads(uploads)
                    .gateway(new io.cairn.server.gateway.GatewayConfig(deserialized, corsOrigin))
                    .redis(new io.cairn.server.RedisConfig(redis, redisCluster, redisMaxValue, redisTtl, redisPassword))
                    .gcLeaseTtl(gcLeaseTtl)
                    .dnsResolver(dnsResolver)
                    .build();
        } catch (ConfigException e) {
            // Say where the offending value came from when it was not a default.
            String key = e.getMessage().split(":", 2)[0];
            Setting s = Setting.byKey(key);
            if (s != null && merged.containsKey(s)) {
                throw new ConfigException(e.getMessage() + " (from " + merged.get(s).origin() + ")");
            }
            throw e;
        }
    }

    /** {@code $XDG_DATA_HOME/cairn} when that variable is set, otherwise {@code ~/.cairn}. */
    public static Path defaultDataDir(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "cairn");
        }
        return Path.of(System.getProperty("user.home"), ".cairn");
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T get(Map<Setting, Sourced> merged, Setting s, Parser<T> parser, T fallback) {
        Sourced v = merged.get(s);
        if (v == null) {
            return fallback;
        }
        try {
            return parser.parse(v.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(s.key() + ": " + e.getMessage() + " (from " + v.origin() + ")");
        } catch (RuntimeException e) {
            throw new ConfigException(s.key() + ": '" + v.value() + "' is not valid (from " + v.origin() + ")");
        }
    }

    private static Map<Setting, Sourced> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config: file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config: cannot read " + file + ": " + e.getMessage());
        }
        Map<Setting, Sourced> out = new EnumMap<>(Setting.class);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("config: " + where + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            Setting s = Setting.byKey(key);
            if (s == null) {
                throw new ConfigException("config: " + where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", java.util.Arrays.stream(Setting.values()).map(Setting::key).toList()) + ")");
            }
            if (out.containsKey(s)) {
                throw new ConfigException("config: " + where + ": '" + key + "' is set twice");
            }
            out.put(s, new Sourced(value, where));
        }
        return out;
    }
}
