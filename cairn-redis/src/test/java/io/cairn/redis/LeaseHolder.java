package io.cairn.redis;

import io.cairn.pin.CollectionLease;

import java.time.Duration;
import java.util.Optional;

/**
 * The child process of {@link RedisCollectionLeaseTest}: takes the collection lease on a standalone
 * Redis at port {@code args[0]} with a TTL of {@code args[1]} ms, prints {@code HELD}, and keeps it
 * (renewing) until it is killed.
 */
public final class LeaseHolder {
    private LeaseHolder() {
    }

    public static void main(String[] args) throws Exception {
        RedisEndpoint endpoint = RedisEndpoint.standalone("redis://127.0.0.1:" + args[0], Optional.empty());
        RedisCollectionLease lease = RedisCollectionLease.connect(endpoint, RedisCollectionLeaseTest.KEY,
                Duration.ofMillis(Long.parseLong(args[1])), "child", Duration.ofSeconds(2));
        Optional<CollectionLease.Held> held = lease.tryAcquire();
        System.out.println(held.isPresent() ? "HELD" : "BUSY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
