package io.cairn.cache;

import java.util.function.Function;

/**
 * Write-behind: a put or invalidation is queued in {@link WriteBehind} (whose flusher writes it
 * later) and the cache changes at once. Under pressure that forces write-through, while the cache
 * is not admitting, or when the queue is full, the write goes to the store synchronously, after
 * everything queued before it. A miss on a key with a queued write is answered from the queue,
 * never by the loader reading the store's older value (the queued value is then cached like a
 * loaded one and counted as a load).
 */
final class WriteBehindCache<K, V> extends WritingCache<K, V> {
    private final WriteBehind<K, V> queue;

    WriteBehindCache(LocalCache<K, V> cache, CacheWriter<K, V> writer, WriteBehind.Settings settings,
                     WriteFailureListener<? super K> failureListener) {
        super(cache, writer);
        this.queue = new WriteBehind<>(cache.name(), writer, settings, failureListener, writeFailures);
        cache.governance().onWriteThroughForced(queue::flushSoon); // queued values are memory the governor wants
    }

    @Override
    void writeToStore(K key, V value) {
        Governance g = cache.governance();
        if (g.forcesWriteThrough() || !g.isAdmitting() || !queue.enqueue(key, value)) {
            // A value the cache will not hold must reach the store before we return, or a read in
            // between would find neither; a full queue pushes back on the caller.
            queue.writeNow(key, value);
        }
    }

    @Override
    public V get(K key, Function<? super K, ? extends V> loader) {
        // The loader runs once the load is registered, so a write queued (and perhaps already
        // evicted) since this miss cannot be shadowed by the store's older value either.
        return cache.get(key, k -> {
            WriteBehind.Op<K, V> pending = queue.pending(k);
            return pending != null ? pending.value() : loader.apply(k); // a queued delete answers null
        });
    }

    @Override
    public long pendingWrites() {
        return queue.pendingCount();
    }

    @Override
    void closeWriter() {
        queue.close();
    }
}
