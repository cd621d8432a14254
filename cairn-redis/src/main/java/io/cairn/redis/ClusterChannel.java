package io.cairn.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One sharded pub/sub channel of a Redis Cluster that survives failovers. A sharded channel lives on
 * the master owning its slot ({@code SSUBSCRIBE} there, {@code SPUBLISH} routed there), so when that
 * master dies and a replica is promoted, a subscription made at start hears nothing more, and
 * publishes sent by a client with the old topology go nowhere.
 *
 * <p>So a watchdog checks every {@value #CHECK_MILLIS} ms whether the subscribed node's connection is
 * still open; when it is not (or Redis said {@code sunsubscribe}, as it does when the slot moves away,
 * or every {@value #REFRESH_SECONDS} s regardless) it reloads the topology and, once another master
 * owns the slot, subscribes there. A publish that fails is retried after a topology reload, every
 * {@value #RETRY_MILLIS} ms for up to {@value #RETRY_SECONDS} s, so a delete announced during the
 * failover is delivered late rather than lost. Messages published while no subscription was open
 * are not replayed (pub/sub keeps nothing).
 */
final class ClusterChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChannel.class);
    static final long CHECK_MILLIS = 100;
    static final long REFRESH_SECONDS = 10;
    static final long RETRY_MILLIS = 100;
    /** Topology reloads at most this often (each asks every known node, the dead one included). */
    static final long RELOAD_MILLIS = 250;
    static final long RETRY_SECONDS = 5;
    /** Publishes waiting for a retry at most; beyond, a failed publish is counted as lost at once. */
    static final int MAX_RETRYING = 10_000;

    private final RedisClusterClient client;
    private final StatefulRedisClusterConnection<byte[], byte[]> pub;
    private final StatefulRedisClusterPubSubConnection<byte[], byte[]> sub;
    private final byte[] channel;
    private final int slot;
    private final RedisPubSubAdapter<byte[], byte[]> listener;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService watchdog;
    private final Set<StatefulRedisPubSubConnection<byte[], byte[]>> listened =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final AtomicInteger retrying = new AtomicInteger();
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> current;
    private volatile String currentNodeId;
    private volatile String currentAddress;
    private volatile boolean recheck;
    private volatile long lastRefresh;
    private volatile long lastReloadNanos = Long.MIN_VALUE;

    ClusterChannel(RedisClusterClient client, StatefulRedisClusterConnection<byte[], byte[]> pub,
                   StatefulRedisClusterPubSubConnection<byte[], byte[]> sub, byte[] channel,
                   RedisPubSubAdapter<byte[], byte[]> listener, Duration timeout) {
        this.client = client;
        this.pub = pub;
        this.sub = sub;
        this.channel = channel;
        this.slot = SlotHash.getSlot(channel);
        this.listener = new RedisPubSubAdapter<>() {
            @Override
            public void smessage(byte[] ch, byte[] message) {
                listener.smessage(ch, message);
            }

            @Override
            public void ssubscribed(byte[] ch, long count) {
                listener.ssubscribed(ch, count);
            }

            @Override
            public void sunsubscribed(byte[] ch, long count) {
                recheck = true; // the slot moved away from this node
            }
        };
        this.timeout = timeout;
        this.nanoTime = System::nanoTime;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-redis-channel");
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes on the slot's master now (throws when it cannot) and starts the watchdog. */
    void start() {
        RedisClusterNode owner = sub.getPartitions().getPartitionBySlot(slot);
        if (owner == null) {
            throw new IllegalStateException("no master owns slot " + slot + " of the invalidation channel");
        }
        subscribe(owner);
        lastRefresh = nanoTime.getAsLong();
        watchdog.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The node ({@code host:port}) whose subscription is open now, if any. */
    Optional<String> subscribedTo() {
        StatefulRedisPubSubConnection<byte[], byte[]> c = current;
        return c != null && c.isOpen() ? Optional.ofNullable(currentAddress) : Optional.empty();
    }

    /**
     * {@code SPUBLISH}es {@code message}, retrying after topology reloads while it fails; the stage
     * fails only once the retries are over.
     */
    CompletionStage<Long> publish(byte[] message) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        attempt(message, nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(RETRY_SECONDS), done, false);
        return done;
    }

    /** @param held whether this publish already holds one of the {@link #MAX_RETRYING} retry places */
    private void attempt(byte[] message, long deadline, CompletableFuture<Long> done, boolean held) {
        CompletionStage<Long> sent;
        try {
            sent = pub.async().spublish(channel, message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((n, e) -> {
            if (e == null) {
                if (held) {
                    retrying.decrementAndGet();
                }
                done.complete(n);
                return;
            }
            boolean retry = nanoTime.getAsLong() < deadline && !watchdog.isShutdown();
            boolean holds = held;
            if (retry && !holds) {
                holds = retrying.incrementAndGet() <= MAX_RETRYING;
                if (!holds) {
                    retrying.decrementAndGet();
                    retry = false;
                }
            }
            if (!retry) {
                if (holds) {
                    retrying.decrementAndGet();
                }
                done.completeExceptionally(e);
                return;
            }
            recheck = true;
            try {
                watchdog.schedule(() -> {
                    reloadTopology();
                    attempt(message, deadline, done, true);
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                retrying.decrementAndGet();
                done.completeExceptionally(e);
            }
        });
    }

    private void check() {
        try {
            StatefulRedisPubSubConnection<byte[], byte[]> c = current;
            boolean open = c != null && c.isOpen();
            long now = nanoTime.getAsLong();
            if (open && !recheck && now - lastRefresh < TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)) {
                return;
            }
            if (!reloadTopology()) {
                return;
            }
            lastRefresh = now;
            RedisClusterNode owner = sub.getPartitions().getPartitionBySlot(slot);
            if (owner == null || (owner.getNodeId().equals(currentNodeId) && (open || c != null))) {
                // the same master: an open subscription is fine, and a dropped one is Lettuce's to
                // reconnect and resubscribe; a dead master stays the owner until a replica is promoted
                recheck = recheck && !open;
                return;
            }
            subscribe(owner);
            recheck = false;
            LOG.info("invalidation channel: slot {} moved; subscribed on {}", slot, currentAddress);
        } catch (RuntimeException e) {
            LOG.debug("invalidation channel check: {}", e.toString());
        }
    }

    /** Reloads the cluster topology, at most once per {@link #RELOAD_MILLIS}; false if it failed. */
    private synchronized boolean reloadTopology() {
        long now = nanoTime.getAsLong();
        if (lastReloadNanos != Long.MIN_VALUE && now - lastReloadNanos < TimeUnit.MILLISECONDS.toNanos(RELOAD_MILLIS)) {
            return true;
        }
        try {
            client.refreshPartitions();
            lastReloadNanos = now;
            return true;
        } catch (RuntimeException e) {
            LOG.debug("reloading the cluster topology failed: {}", e.toString());
            return false;
        }
    }

    private void subscribe(RedisClusterNode owner) {
        StatefulRedisPubSubConnection<byte[], byte[]> node = sub.getConnection(owner.getNodeId());
        if (listened.add(node)) {
            node.addListener(listener);
        }
        node.setTimeout(timeout);
        node.sync().ssubscribe(channel);
        StatefulRedisPubSubConnection<byte[], byte[]> previous = current;
        current = node;
        currentNodeId = owner.getNodeId();
        currentAddress = owner.getUri().getHost() + ":" + owner.getUri().getPort();
        if (previous != null && previous != node && previous.isOpen()) {
            try {
                previous.async().sunsubscribe(channel); // a live node that lost the slot (a manual failover)
            } catch (RuntimeException e) {
                LOG.debug("unsubscribing from the old node: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
