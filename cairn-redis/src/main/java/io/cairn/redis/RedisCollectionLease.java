package io.cairn.redis;

import io.cairn.pin.CollectionLease;
import io.cairn.pin.LeaseUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link CollectionLease} of nodes sharing one store, as one Redis key: taken with
 * {@code SET key token NX PX ttl}, renewed every third of the TTL while the collection runs (a script
 * extends the expiry only if the key still holds this holder's token), and released by a script that
 * deletes the key only if it still holds the token. A holder that dies (even by {@code kill -9})
 * stops renewing, and the key expires by itself after at most one TTL; the next collection proceeds.
 *
 * <p>The token is {@code <node>/<random UUID>}, so a message can say which node is collecting. A held
 * lease stops being {@link Held#valid() valid} when the key no longer holds its token, or when no
 * renewal has succeeded for a whole TTL (Redis unreachable: the key may have expired, and another node
 * may hold it), so the collector stops before its next batch rather than sweep beside another one.
 * The clock is injectable for that check.
 *
 * <p>Redis may lose the key in a failover of the master holding it (replication is asynchronous): two
 * collections may then overlap. Both honour the shared pins, so neither deletes a pinned block; what
 * the lease adds is that a block put or pinned on one node while another sweeps is not
 * deleted by it (see docs/OPERATIONS.md, "Topology").
 */
public final class RedisCollectionLease implements CollectionLease, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCollectionLease.class);
    /** Extends the key's expiry when it still holds ARGV[1]; 1 if it did, 0 if not. */
    static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    /** Deletes the key when it still holds ARGV[1]; 1 if it did, 0 if not. */
    static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    /** The commands the lease needs, common to a standalone and a cluster connection. */
    interface Commands extends AutoCloseable {
        String setIfAbsent(String key, String value, long ttlMillis);

        String get(String key);

        long script(String script, String key, String... args);

        /** EVAL with several keys (all in one hash slot in a cluster), the reply as {@code type} gives it. */
        <T> T eval(String script, ScriptOutputType type, String[] keys, String... args);

        @Override
        void close();
    }

    private final Commands redis;
    private final String key;
    private final Duration ttl;
    private final String node;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService renewer;

    RedisCollectionLease(Commands redis, String key, Duration ttl, String node, LongSupplier nanoTime) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = Objects.requireNonNull(key, "key");
        if (ttl.toMillis() < 100) {
            throw new IllegalArgumentException("the collection lease needs a TTL of at least 100ms, got " + ttl);
        }
        this.ttl = ttl;
        this.node = Objects.requireNonNull(node, "node");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-gc-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to {@code endpoint}; the lease is the key {@code key}, held for {@code ttl} past its
     * holder's last renewal, and names {@code node} as its holder.
     *
     * @throws IllegalStateException naming the endpoint when no node answers
     */
    public static RedisCollectionLease connect(RedisEndpoint endpoint, String key, Duration ttl, String node,
                                               Duration commandTimeout) {
        return new RedisCollectionLease(LettuceCommands.connect(endpoint, commandTimeout), key, ttl, node, System::nanoTime);
    }

    /** This process's name as a lease holder: host name and process id. */
    public static String processName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * The cross-node sweep guard of the collections this lease serialises, over the same connection:
     * its keys start with {@code keyPrefix}, and its record expires one lease TTL after its last refresh.
     */
    public RedisClusterSweep sweep(String keyPrefix) {
        return new RedisClusterSweep(redis, keyPrefix, ttl, nanoTime, renewer);
    }

    @Override
    public Optional<Held> tryAcquire() {
        String token = node + "/" + UUID.randomUUID();
        String ok;
        try {
            ok = redis.setIfAbsent(key, token, ttl.toMillis());
        } catch (RuntimeException e) {
            throw new LeaseUnavailableException("cannot take the garbage-collection lease in Redis (" + e.getMessage()
                    + "); no collection is started without it", e);
        }
        if (!"OK".equals(ok)) {
            return Optional.empty();
        }
        return Optional.of(new Lease(token));
    }

    @Override
    public Optional<String> holder() {
        try {
            String v = redis.get(key);
            if (v == null) {
                return Optional.empty();
            }
            int cut = v.lastIndexOf('/');
            return Optional.of(cut > 0 ? v.substring(0, cut) : v);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        redis.close();
    }

    /** One holding of the lease, renewed until closed. */
    private final class Lease implements Held {
        private final String token;
        private final ScheduledFuture<?> renewal;
        private volatile long renewedAt;
        private volatile boolean lost;
        private volatile boolean released;

        Lease(String token) {
            this.token = token;
            this.renewedAt = nanoTime.getAsLong();
            long every = Math.max(1, ttl.toMillis() / 3);
            this.renewal = renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (released || lost) {
                return;
            }
            long started = nanoTime.getAsLong();
            try {
                if (redis.script(RENEW, key, token, Long.toString(ttl.toMillis())) == 1) {
                    renewedAt = started;
                } else {
                    lost = true;
                    LOG.warn("the garbage-collection lease {} expired or was taken over; the collection stops", key);
                }
            } catch (RuntimeException e) {
                LOG.warn("renewing the garbage-collection lease failed: {}", e.toString());
            }
        }

        @Override
        public boolean valid() {
            return !lost && !released && nanoTime.getAsLong() - renewedAt < ttl.toNanos();
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            renewal.cancel(false);
            try {
                redis.script(RELEASE, key, token);
            } catch (RuntimeException e) {
                LOG.warn("releasing the garbage-collection lease failed ({}); it expires within {}", e.toString(), ttl);
            }
        }
    }

    /** {@link Commands} on Lettuce, over a standalone server or a cluster. */
    static final class LettuceCommands implements Commands {
        private final ClientResources resources;
        private final AutoCloseable client;
        private final AutoCloseable connection;
        private final RedisStringCommands<String, String> strings;
        private final RedisScriptingCommands<String, String> scripts;

        private LettuceCommands(ClientResources resources, AutoCloseable client, AutoCloseable connection,
                                RedisStringCommands<String, String> strings, RedisScriptingCommands<String, String> scripts) {
            this.resources = resources;
            this.client = client;
            this.connection = connection;
            this.strings = strings;
            this.scripts = scripts;
        }

        static LettuceCommands connect(RedisEndpoint endpoint, Duration commandTimeout) {
            ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
            SocketOptions socket = SocketOptions.builder().connectTimeout(LettuceL2Store.CONNECT_TIMEOUT).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
            List<RedisURI> uris = List.of(endpoint.uris(LettuceL2Store.CONNECT_TIMEOUT));
            AutoCloseable clientCloser = null;
            try {
                if (endpoint.cluster()) {
                    RedisClusterClient c = RedisClusterClient.create(resources, uris);
                    clientCloser = c::shutdown;
                    c.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                    .enablePeriodicRefresh(Duration.ofSeconds(10)).enableAllAdaptiveRefreshTriggers().build())
                            .build());
                    StatefulRedisClusterConnection<String, String> conn = c.connect();
                    return new LettuceCommands(resources, clientCloser, conn::close, conn.sync(), conn.sync());
                }
                RedisClient c = RedisClient.create(resources, uris.getFirst());
                clientCloser = c::shutdown;
                c.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
                StatefulRedisConnection<String, String> conn = c.connect();
                return new LettuceCommands(resources, clientCloser, conn::close, conn.sync(), conn.sync());
            } catch (RuntimeException e) {
                if (clientCloser != null) {
                    try {
                        clientCloser.close();
                    } catch (Exception ignored) {
                        // the connect failure is what matters
                    }
                }
                resources.shutdown(0, 2, TimeUnit.SECONDS);
                throw new IllegalStateException("cannot connect to " + endpoint + " for the collection lease: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public String setIfAbsent(String key, String value, long ttlMillis) {
            return strings.set(key, value, SetArgs.Builder.nx().px(ttlMillis));
        }

        @Override
        public String get(String key) {
            return strings.get(key);
        }

        @Override
        public long script(String script, String key, String... args) {
            Long r = scripts.eval(script, ScriptOutputType.INTEGER, new String[] {key}, args);
            return r == null ? 0 : r;
        }

        @Override
        public <T> T eval(String script, ScriptOutputType type, String[] keys, String... args) {
            return scripts.eval(script, type, keys, args);
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {connection, client}) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing: {}", e.toString());
                }
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
