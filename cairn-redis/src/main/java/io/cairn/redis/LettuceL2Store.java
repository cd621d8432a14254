package io.cairn.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link L2Store} on Lettuce, for a standalone Redis or a Redis Cluster, with a byte-array codec.
 *
 * <p>Commands time out after the tier's command timeout. A standalone connection that is down
 * rejects commands at once ({@code DisconnectedBehavior.REJECT_COMMANDS}), so a dead Redis costs a
 * read nothing but the failed call. A cluster client opens its per-node connections lazily and
 * would reject commands while one is still being opened, so there commands wait for the connection
 * instead, in a bounded queue, and still time out after the command timeout. Cluster topology is
 * refreshed periodically and on MOVED/ASK redirects and reconnects, so a restarted or moved node is
 * found again.
 */
public final class LettuceL2Store implements L2Store {
    /** Longest wait for a connection and its handshake. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Commands a cluster connection holds while a node connection is (re)opening. */
    static final int QUEUE_LIMIT = 10_000;
    private final ClientResources resources;
    private final AutoCloseable client;
    private final AutoCloseable connection;
    private final RedisStringAsyncCommands<byte[], byte[]> strings;
    private final RedisKeyAsyncCommands<byte[], byte[]> keys;
    private final Supplier<CompletionStage<Void>> ping;

    private LettuceL2Store(ClientResources resources, AutoCloseable client, AutoCloseable connection,
                           RedisStringAsyncCommands<byte[], byte[]> strings, RedisKeyAsyncCommands<byte[], byte[]> keys,
                           Supplier<CompletionStage<Void>> ping) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.strings = strings;
        this.keys = keys;
        this.ping = ping;
    }

    /**
     * Connects. Fails with an exception naming the endpoint when no node answers; the caller decides
     * whether to run without the tier.
     */
    public static LettuceL2Store connect(RedisEndpoint endpoint, Duration commandTimeout) {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        // Connecting (TCP, then the HELLO handshake) gets more time than a command: the first
        // connection also initialises Netty, which takes hundreds of milliseconds on a busy machine.
        Duration connectTimeout = CONNECT_TIMEOUT.compareTo(commandTimeout) > 0 ? CONNECT_TIMEOUT : commandTimeout;
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        List<RedisURI> uris = List.of(endpoint.uris(connectTimeout));
        try {
            if (endpoint.cluster()) {
                RedisClusterClient client = RedisClusterClient.create(resources, uris);
                client.setOptions(ClusterClientOptions.builder()
                        .socketOptions(socket).timeoutOptions(timeouts)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                        .requestQueueSize(QUEUE_LIMIT)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(Duration.ofSeconds(10))
                                .enableAllAdaptiveRefreshTriggers()
                                .build())
                        .build());
                StatefulRedisClusterConnection<byte[], byte[]> c = connectOrClose(client, () -> client.connect(ByteArrayCodec.INSTANCE), resources);
                var async = c.async();
                return new LettuceL2Store(resources, client::shutdown, c::close, async, async,
                        () -> async.ping().thenApply(pong -> (Void) null));
            }
            RedisClient client = RedisClient.create(resources, uris.getFirst());
            client.setOptions(ClientOptions.builder()
                    .socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            StatefulRedisConnection<byte[], byte[]> c = connectOrClose(client, () -> client.connect(ByteArrayCodec.INSTANCE), resources);
            var async = c.async();
            return new LettuceL2Store(resources, client::shutdown, c::close, async, async,
                    () -> async.ping().thenApply(pong -> (Void) null));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static <T> T connectOrClose(AutoCloseable client, Supplier<T> connect, ClientResources resources) {
        try {
            return connect.get();
        } catch (RuntimeException e) {
            try {
                client.close();
            } catch (Exception ignored) {
                // the connect failure is what matters
            }
            resources.shutdown();
            throw e;
        }
    }

    @Override
    public CompletionStage<byte[]> get(byte[] key) {
        return guard(() -> strings.get(key));
    }

    @Override
    public CompletionStage<Void> set(byte[] key, byte[] value, Duration ttl) {
        return guard(() -> strings.set(key, value, SetArgs.Builder.px(ttl.toMillis())).thenApply(ok -> (Void) null));
    }

    @Override
    public CompletionStage<Void> delete(byte[] key) {
        return guard(() -> keys.del(key).thenApply(n -> (Void) null));
    }

    @Override
    public CompletionStage<Void> ping() {
        return guard(ping);
    }

    /** Lettuce throws synchronously for some failures (a rejected command); fold those into the stage. */
    private static <T> CompletionStage<T> guard(Supplier<? extends CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        try {
            client.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        resources.shutdown();
    }
}
