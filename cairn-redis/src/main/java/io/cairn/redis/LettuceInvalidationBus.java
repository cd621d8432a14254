package io.cairn.redis;

import io.cairn.cid.Cid;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link InvalidationBus} over Redis pub/sub: plain {@code PUBLISH}/{@code SUBSCRIBE} on a
 * standalone server; sharded {@code SPUBLISH}/{@code SSUBSCRIBE} in a cluster, where the channel
 * lives on the one master owning its slot (plain PUBLISH would be broadcast over the cluster bus to
 * every node). The message is the CID's binary form; anything else on the channel is ignored.
 *
 * <p>In cluster mode the channel follows its slot: when the master owning it fails over, the
 * subscription moves to the promoted replica and failed publishes are retried against the new
 * topology ({@link ClusterChannel}).
 */
public final class LettuceInvalidationBus implements InvalidationBus {
    private static final Logger LOG = LoggerFactory.getLogger(LettuceInvalidationBus.class);

    private final ClientResources resources;
    private final AutoCloseable client;
    private final AutoCloseable publisherConnection;
    private final AutoCloseable subscriberConnection;
    private final Function<byte[], CompletionStage<Long>> publisher;
    private final byte[] channel;
    private final List<Consumer<Cid>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> gapListeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean subscribedOnce = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private ClusterChannel cluster;
    private java.util.function.BooleanSupplier subscriberOpen = () -> false;
    private String standaloneAddress = "";

    private LettuceInvalidationBus(ClientResources resources, AutoCloseable client, AutoCloseable publisherConnection,
                                   AutoCloseable subscriberConnection, Function<byte[], CompletionStage<Long>> publisher,
                                   byte[] channel) {
        this.resources = resources;
        this.client = client;
        this.publisherConnection = publisherConnection;
        this.subscriberConnection = subscriberConnection;
        this.publisher = publisher;
        this.channel = channel;
    }

    /** Connects and subscribes to {@code channelName}; throws naming the endpoint when it cannot. */
    public static LettuceInvalidationBus connect(RedisEndpoint endpoint, String channelName, Duration timeout) {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        byte[] channel = channelName.getBytes(StandardCharsets.UTF_8);
        List<RedisURI> uris = List.of(endpoint.uris(timeout));
        AutoCloseable clientCloser = null;
        try {
            if (endpoint.cluster()) {
                RedisClusterClient c = RedisClusterClient.create(resources, uris);
                clientCloser = c::shutdown;
                // A publish to a node that is down fails at once (and is retried against a reloaded
                // topology) instead of waiting in a queue for a node that may never return.
                c.setOptions(ClusterClientOptions.builder()
                        .timeoutOptions(TimeoutOptions.enabled(timeout))
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers().build())
                        .build());
                StatefulRedisClusterConnection<byte[], byte[]> pub = c.connect(ByteArrayCodec.INSTANCE);
                StatefulRedisClusterPubSubConnection<byte[], byte[]> sub = c.connectPubSub(ByteArrayCodec.INSTANCE);
                ClusterChannel[] holder = new ClusterChannel[1];
                LettuceInvalidationBus bus = new LettuceInvalidationBus(resources, clientCloser, pub::close, () -> {
                    holder[0].close();
                    sub.close();
                }, m -> holder[0].publish(m), channel);
                holder[0] = new ClusterChannel(c, pub, sub, channel, bus.listener(), timeout);
                bus.cluster = holder[0];
                holder[0].start();
                return bus;
            }
            RedisClient c = RedisClient.create(resources, uris.getFirst());
            clientCloser = c::shutdown;
            StatefulRedisConnection<byte[], byte[]> pub = c.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisPubSubConnection<byte[], byte[]> sub = c.connectPubSub(ByteArrayCodec.INSTANCE);
            LettuceInvalidationBus bus = new LettuceInvalidationBus(resources, clientCloser, pub::close, sub::close,
                    m -> pub.async().publish(channel, m), channel);
            sub.addListener(bus.listener());
            sub.sync().subscribe(channel);
            bus.subscriberOpen = sub::isOpen;
            bus.standaloneAddress = endpoint.nodes().getFirst().toString();
            return bus;
        } catch (RuntimeException e) {
            if (clientCloser != null) {
                try {
                    clientCloser.close();
                } catch (Exception ignored) {
                    // the connect failure is what matters
                }
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot subscribe to " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private RedisPubSubAdapter<byte[], byte[]> listener() {
        return new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] ch, byte[] message) {
                deliver(ch, message);
            }

            @Override
            public void smessage(byte[] ch, byte[] message) {
                deliver(ch, message);
            }

            @Override
            public void subscribed(byte[] ch, long count) {
                confirmed(ch);
            }

            @Override
            public void ssubscribed(byte[] ch, long count) {
                confirmed(ch);
            }
        };
    }

    /**
     * Redis confirms every (re)subscription, Lettuce's own after a reconnect included: every
     * confirmation after the first one ends a gap in which messages may have been lost.
     */
    private void confirmed(byte[] ch) {
        if (!Arrays.equals(ch, channel) || subscribedOnce.compareAndSet(false, true)) {
            return;
        }
        resubscriptions.incrementAndGet();
        LOG.info("invalidation channel subscribed again after a gap; dropping what this node cannot know is still valid");
        for (Runnable r : gapListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("invalidation gap listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void onResubscribed(Runnable listener) {
        gapListeners.add(listener);
    }

    @Override
    public long resubscriptions() {
        return resubscriptions.get();
    }

    private void deliver(byte[] ch, byte[] message) {
        if (!Arrays.equals(ch, channel)) {
            return;
        }
        Cid cid;
        try {
            cid = Cid.decode(message);
        } catch (RuntimeException e) {
            LOG.debug("ignoring a message on the invalidation channel that is not a CID");
            return;
        }
        for (Consumer<Cid> l : listeners) {
            try {
                l.accept(cid);
            } catch (RuntimeException e) {
                LOG.warn("invalidation listener failed for {}: {}", cid, e.toString());
            }
        }
    }

    @Override
    public void publish(Cid cid) {
        try {
            publisher.apply(cid.toBytes()).whenComplete((n, e) -> {
                if (e != null) {
                    publishFailures.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            publishFailures.incrementAndGet();
        }
    }

    /**
     * The node ({@code host:port}) holding this bus's open subscription, or empty while none is open;
     * on a standalone server, that server while connected.
     */
    public Optional<String> subscribedTo() {
        if (cluster != null) {
            return cluster.subscribedTo();
        }
        return subscriberOpen.getAsBoolean() ? Optional.of(standaloneAddress) : Optional.empty();
    }

    @Override
    public void subscribe(Consumer<Cid> listener) {
        listeners.add(listener);
    }

    @Override
    public long publishFailures() {
        return publishFailures.get();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {subscriberConnection, publisherConnection, client}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing: {}", e.toString());
            }
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
