package io.cairn.redis;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The few key-value operations the tier needs from Redis, asynchronous. Implementations never block
 * the caller; failures complete the stage exceptionally.
 */
public interface L2Store extends AutoCloseable {

    /** The value, or {@code null} when the key is absent. */
    CompletionStage<byte[]> get(byte[] key);

    /** Stores the value with a time to live. */
    CompletionStage<Void> set(byte[] key, byte[] value, Duration ttl);

    /** Removes the key; absent keys are not an error. */
    CompletionStage<Void> delete(byte[] key);

    /** A round trip to Redis (for a cluster, to one of its nodes); completes exceptionally if it cannot be made. */
    CompletionStage<Void> ping();

    @Override
    void close();
}
