package io.cairn.server.store;

import io.cairn.cid.Cid;
import io.cairn.pin.ClusterSweep;
import io.cairn.pin.CollectionLease;
import io.cairn.pin.LeaseUnavailableException;
import io.cairn.pin.SweepGuardUnavailableException;
import io.cairn.redis.RedisCollectionLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The collection lease and cross-node sweep record of a node that could not reach Redis when it
 * started. Until a connection is made, collections are refused ({@link LeaseUnavailableException}) and
 * writes and pins over the shared store are not acknowledged ({@link SweepGuardUnavailableException},
 * 503 with Retry-After), because whether another node is sweeping cannot be told. Each such call tries
 * to connect again, at most once per {@code retryEvery}; once connected, the node behaves as if Redis
 * had answered at start (Lettuce then reconnects by itself), so it recovers without a restart.
 */
final class ReconnectingLease implements CollectionLease, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingLease.class);

    private final Supplier<RedisCollectionLease> connect;
    private final String keyPrefix;
    private final Duration retryEvery;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private volatile RedisCollectionLease connected;
    private volatile ClusterSweep sweep;
    private long lastAttempt;
    private RuntimeException lastFailure;

    /**
     * @param firstFailure why the connection at start failed; the next attempt is {@code retryEvery} later
     */
    ReconnectingLease(Supplier<RedisCollectionLease> connect, String keyPrefix, RuntimeException firstFailure,
                      Duration retryEvery, LongSupplier nanoClock) {
        this.connect = connect;
        this.keyPrefix = keyPrefix;
        this.retryEvery = retryEvery;
        this.nanoClock = nanoClock;
        this.lastFailure = firstFailure;
        this.lastAttempt = nanoClock.getAsLong();
    }

    /** The connected lease, connecting first when the last attempt is old enough; empty while Redis is unreachable. */
    Optional<RedisCollectionLease> current() {
        RedisCollectionLease c = connected;
        if (c != null) {
            return Optional.of(c);
        }
        synchronized (lock) {
            if (connected == null && nanoClock.getAsLong() - lastAttempt >= retryEvery.toNanos()) {
                lastAttempt = nanoClock.getAsLong();
                try {
                    RedisCollectionLease made = connect.get();
                    sweep = made.sweep(keyPrefix);
                    connected = made;
                    LOG.info("Redis answers now: garbage collection and writes over the shared store resume");
                } catch (RuntimeException e) {
                    lastFailure = e;
                }
            }
            return Optional.ofNullable(connected);
        }
    }

    private String why() {
        synchronized (lock) {
            return String.valueOf(lastFailure.getMessage());
        }
    }

    @Override
    public Optional<Held> tryAcquire() {
        return current().orElseThrow(() -> new LeaseUnavailableException("the garbage-collection lease in Redis cannot"
                + " be reached (" + why() + "); retried every " + retryEvery.toSeconds() + " s", null)).tryAcquire();
    }

    @Override
    public Optional<String> holder() {
        return current().flatMap(RedisCollectionLease::holder);
    }

    /** The cross-node sweep record, usable once Redis answers. */
    ClusterSweep sweep() {
        return new ClusterSweep() {
            private ClusterSweep delegate() {
                if (current().isEmpty()) {
                    throw new SweepGuardUnavailableException("Redis cannot be reached (" + why() + "), so whether a garbage"
                            + " collection on another node sharing the store is deleting this block cannot be told;"
                            + " not acknowledged", retryEvery, null);
                }
                return sweep;
            }

            @Override
            public Optional<Ticket> record(List<Cid> written, List<Cid> pinned) {
                return delegate().record(written, pinned);
            }

            @Override
            public boolean awaitBatchDone(Ticket ticket, Duration max) {
                return delegate().awaitBatchDone(ticket, max);
            }

            @Override
            public Collecting begin(Held held) {
                return delegate().begin(held);
            }
        };
    }

    @Override
    public void close() {
        RedisCollectionLease c = connected;
        if (c != null) {
            c.close();
        }
    }
}
