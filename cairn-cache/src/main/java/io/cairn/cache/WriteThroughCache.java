package io.cairn.cache;

/**
 * Write-through: the store is written first, under the key's lock; if that fails,
 * {@link CacheWriteException} is thrown and the cache is unchanged.
 */
final class WriteThroughCache<K, V> extends WritingCache<K, V> {

    WriteThroughCache(LocalCache<K, V> cache, CacheWriter<K, V> writer) {
        super(cache, writer);
    }

    @Override
    void writeToStore(K key, V value) {
        try {
            if (value != null) {
                writer.write(key, value);
            } else {
                writer.delete(key);
            }
        } catch (Exception e) {
            writeFailures.increment();
            throw new CacheWriteException("cache '" + cache.name() + "': " + (value == null ? "delete" : "write")
                    + " of key " + key + " failed in the store", e);
        }
    }

    @Override
    public long pendingWrites() {
        return 0;
    }

    @Override
    void closeWriter() {
    }
}
