package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.CachingBlockstore;
import io.cairn.cid.Cid;
import io.cairn.redis.InvalidationBus;
import io.cairn.redis.LettuceInvalidationBus;
import io.cairn.redis.RedisEndpoint;
import io.cairn.redis.RedisTierOptions;
import io.cairn.s3.S3Blockstore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cross-node invalidation for nodes sharing one store and one Redis: a delete on any node is
 * published on {@code <key prefix>invalidate} and every node then drops its in-process cached copy,
 * its has/size answer, and (over S3) the S3 store's remembered answer and disk-cached copy. Redis
 * itself never holds negative answers; the deleting node removed the Redis key. A lost message is
 * bounded by the S3 store's negative TTL for absences and by this bus for presences. Messages lost
 * while the subscription was down (a Redis failover, a reconnect) are not replayed: when the
 * subscription is back, the node drops everything it cannot know is still valid, its in-process
 * content and has/size caches and the S3 store's has/size table and disk cache (counted in
 * {@code cairn_redis_invalidation_gaps_total} and {@code cairn_redis_invalidation_gap_dropped_total}).
 */
final class SharedInvalidation {
    private static final Logger LOG = LoggerFactory.getLogger(SharedInvalidation.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private SharedInvalidation() {
    }

    /** The bus, or empty (with a warning) when it cannot subscribe. */
    static Optional<InvalidationBus> connect(RedisEndpoint endpoint, RedisTierOptions options) {
        try {
            return Optional.of(LettuceInvalidationBus.connect(endpoint, options.keyPrefix() + "invalidate", TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{}; deletes on other nodes reach this node only through the stores' TTLs", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Subscribes this node's caches: the caching layer (when there is one), the Redis tier (which then
     * never serves the block from Redis, in case the deleting node's DEL was lost) and an S3 base store.
     */
    static void listen(InvalidationBus bus, Supplier<CachingBlockstore> caching, Blockstore l2, Blockstore base,
                       io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Counter gaps = io.micrometer.core.instrument.Counter.builder("cairn.redis.invalidation.gaps")
                .description("Times the invalidation subscription came back after a gap and the caches were dropped")
                .register(registry);
        io.micrometer.core.instrument.Counter dropped = io.micrometer.core.instrument.Counter
                .builder("cairn.redis.invalidation.gap.dropped")
                .description("Cache entries dropped because invalidations may have been missed in a gap")
                .register(registry);
        bus.onResubscribed(() -> {
            long n = 0;
            CachingBlockstore c = caching.get();
            if (c != null) {
                n += c.invalidateAll();
            }
            if (base instanceof S3Blockstore s3) {
                n += s3.forgetAll();
            }
            gaps.increment();
            dropped.increment(n);
            LOG.info("invalidation subscription back after a gap: dropped {} cached entries", n);
        });
        bus.subscribe((Cid cid) -> {
            if (l2 instanceof io.cairn.redis.RedisBlockTier tier) {
                tier.forget(cid);
            }
            CachingBlockstore c = caching.get();
            if (c != null) {
                c.invalidate(cid);
            }
            if (base instanceof S3Blockstore s3) {
                s3.forget(cid);
            }
        });
    }
}
