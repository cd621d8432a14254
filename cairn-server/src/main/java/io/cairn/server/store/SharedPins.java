package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.Block;
import io.cairn.cid.Cid;
import io.cairn.pin.ClusterSweep;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.SweepGuard;
import io.cairn.pin.SweepRecheck;
import io.cairn.pin.PinStore;
import io.cairn.redis.RedisCollectionLease;
import io.cairn.redis.RedisEndpoint;
import io.cairn.redis.RedisTierOptions;
import io.cairn.s3.S3PinStore;
import io.cairn.server.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the pins live and what keeps collections apart. A node that owns its store (flatfs, memory)
 * keeps its pins in {@code DATA/pins}, and its own locks are enough. Over S3 the bucket may be shared
 * by other nodes, so the pins live in the bucket ({@link S3PinStore}), where every node and every
 * collection sees them, and with {@code redis}/{@code redis-cluster} set a collection first takes the
 * lease in Redis ({@link RedisCollectionLease}), so only one runs at a time across the nodes.
 */
final class SharedPins {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPins.class);

    private SharedPins() {
    }

    /** The pins for {@code base}: in the bucket over S3, else the node's pin file. */
    static PinStore open(ServerConfig config, Blockstore base) {
        if (base instanceof io.cairn.s3.S3Blockstore s3) {
            return S3PinStore.open(s3.settings());
        }
        // Opened after the flatfs store, whose directory lock then guards the pin file too.
        return PinStore.open(config.pinsFile());
    }

    /**
     * The collection lease for these pins: local when nobody else shares them; in Redis when they are
     * shared and Redis is configured; local with a warning when shared without Redis (collections
     * still honour every node's pins, but two may sweep at once). When Redis is configured but cannot
     * be reached at start, collections are refused (rather than run uncoordinated) until it answers.
     */
    static CollectionLease lease(ServerConfig config, PinStore pins) {
        if (!pins.shared()) {
            return CollectionLease.local();
        }
        Optional<RedisEndpoint> endpoint = config.redis().endpoint();
        if (endpoint.isEmpty()) {
            LOG.warn("pins are shared in {}, and every collection honours them, but without redis or redis-cluster"
                    + " collections on different nodes are not kept apart: run repo gc on one node at a time", pins.describe());
            return CollectionLease.local();
        }
        RedisTierOptions options = config.redis().options();
        String key = options.keyPrefix() + "gc-lease";
        // The lease is taken and renewed rarely: its calls may wait longer than a block read, up
        // to a third of the TTL (the renewal period).
        Duration third = config.gcLeaseTtl().dividedBy(3);
        Duration timeout = third.compareTo(Duration.ofSeconds(2)) < 0 ? third : Duration.ofSeconds(2);
        java.util.function.Supplier<RedisCollectionLease> connect = () -> RedisCollectionLease.connect(endpoint.get(), key,
                config.gcLeaseTtl(), RedisCollectionLease.processName(), timeout);
        try {
            RedisCollectionLease lease = connect.get();
            LOG.info("garbage collection is kept to one node at a time by the lease {} in {} (ttl {})", key,
                    endpoint.get(), config.gcLeaseTtl());
            return lease;
        } catch (RuntimeException e) {
            LOG.warn("{}; until Redis answers (tried again every {} s), garbage collection is refused and writes and pins"
                    + " over the shared store answer 503", e.getMessage(), RECONNECT_EVERY.toSeconds());
            return new ReconnectingLease(connect, options.keyPrefix(), e, RECONNECT_EVERY, System::nanoTime);
        }
    }

    /** How often a node that could not reach Redis at start tries again, on the next collection, write or pin. */
    static final Duration RECONNECT_EVERY = Duration.ofSeconds(5);

    /** How long a write waits for one delete batch of another node's collection before it is refused (503). */
    static final Duration MAX_BATCH_WAIT = Duration.ofSeconds(30);

    /**
     * The sweep guard of the store: local only when nobody else shares the pins; with the lease in
     * Redis, also the cross-node record beside it ({@link io.cairn.redis.RedisClusterSweep}), with the
     * S3 store to recheck against. While Redis has not answered since start, every write and pin
     * is refused with 503 (whether another node collects cannot be told; see {@link ReconnectingLease}).
     */
    static SweepGuard guard(ServerConfig config, PinStore pins, CollectionLease lease, Blockstore base) {
        if (!pins.shared() || config.redis().endpoint().isEmpty() || !(base instanceof io.cairn.s3.S3Blockstore s3)) {
            return new SweepGuard();
        }
        ClusterSweep cluster = switch (lease) {
            case RedisCollectionLease r -> r.sweep(config.redis().options().keyPrefix());
            case ReconnectingLease r -> r.sweep();
            default -> throw new IllegalStateException("shared pins with Redis configured need a Redis lease, got " + lease);
        };
        return new SweepGuard(cluster, new SweepRecheck() {
            @Override
            public void restore(Block block) {
                s3.rewrite(block);
            }

            @Override
            public boolean present(Cid cid) {
                return s3.inBucket(cid);
            }
        }, MAX_BATCH_WAIT);
    }
}
