package io.cairn.server.store;

import io.cairn.blockstore.Blockstore;
import io.cairn.memory.MemoryGovernor;
import io.cairn.redis.L2Store;
import io.cairn.redis.LettuceL2Store;
import io.cairn.redis.RedisBlockTier;
import io.cairn.redis.RedisEndpoint;
import io.cairn.redis.RedisTierOptions;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Puts the Redis L2 tier under the in-process caches when {@code redis} or {@code redis-cluster} is
 * configured. Redis is checked at start (one PING); when it cannot be reached the server warns and
 * runs without the tier, since the tier is best effort and the store holds every block anyway.
 */
final class RedisTierSetup {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTierSetup.class);

    private RedisTierSetup() {
    }

    /** The tier over {@code below}, or {@code below} itself when no Redis is configured or reachable. */
    static Blockstore over(Blockstore below, Optional<RedisEndpoint> endpoint, RedisTierOptions options,
                           MemoryGovernor governor, MeterRegistry registry) {
        if (endpoint.isEmpty()) {
            return below;
        }
        L2Store l2;
        try {
            l2 = LettuceL2Store.connect(endpoint.get(), options.commandTimeout());
        } catch (RuntimeException e) {
            LOG.warn("{}; running without the Redis tier (reads go to the store)", e.getMessage());
            return below;
        }
        try {
            l2.ping().toCompletableFuture().get(LettuceL2Store.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{} does not answer PING ({}); running without the Redis tier (reads go to the store)",
                    endpoint.get(), e.getCause() != null ? e.getCause().getMessage() : e.toString());
            l2.close();
            return below;
        }
        LOG.info("redis tier: {} (values up to {} bytes, ttl {})", endpoint.get(), options.maxValueBytes(), options.ttl());
        return RedisBlockTier.over(below, l2, options, governor, registry);
    }

    /** For /health: where the tier is and its breaker's state, or nothing when there is no tier. */
    static Map<String, Object> describe(Blockstore layer, Optional<RedisEndpoint> endpoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (layer instanceof RedisBlockTier tier) {
            m.put("endpoint", endpoint.map(Object::toString).orElse(""));
            m.put("breaker", tier.breakerState());
        } else if (endpoint.isPresent()) {
            m.put("endpoint", endpoint.get().toString());
            m.put("breaker", "UNAVAILABLE");
        }
        return m;
    }
}
