package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.LeaseUnavailableException;
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
     * be reached, collections are refused (rather than run uncoordinated) until the node restarts.
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
        try {
            // The lease is taken and renewed rarely: its calls may wait longer than a block read, up
            // to a third of the TTL (the renewal period).
            java.time.Duration third = config.gcLeaseTtl().dividedBy(3);
            java.time.Duration timeout = third.compareTo(java.time.Duration.ofSeconds(2)) < 0 ? third : java.time.Duration.ofSeconds(2);
            RedisCollectionLease lease = RedisCollectionLease.connect(endpoint.get(), key, config.gcLeaseTtl(),
                    RedisCollectionLease.processName(), timeout);
            LOG.info("garbage collection is kept to one node at a time by the lease {} in {} (ttl {})", key,
                    endpoint.get(), config.gcLeaseTtl());
            return lease;
        } catch (RuntimeException e) {
            LOG.warn("{}; garbage collection is refused on this node until it restarts with Redis reachable", e.getMessage());
            return unavailable(e);
        }
    }

    private static CollectionLease unavailable(RuntimeException why) {
        return new CollectionLease() {
            @Override
            public Optional<Held> tryAcquire() {
                throw new LeaseUnavailableException("the garbage-collection lease in Redis was not reachable when this"
                        + " node started (" + why.getMessage() + "); restart the node once Redis answers", why);
            }

            @Override
            public Optional<String> holder() {
                return Optional.empty();
            }
        };
    }

}
