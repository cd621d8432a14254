package io.cairn.cache;

import java.util.List;

/**
 * Told of every failed write-behind flush. A failed batch is kept and retried with exponential
 * backoff; it is only given up when the cache is closed and the close timeout has passed, and then
 * it is reported here with {@code willRetry == false}. Called on the flusher thread (or the closing
 * thread); an exception it throws is logged and swallowed.
 */
@FunctionalInterface
public interface WriteFailureListener<K> {

    /**
     * @param keys      the keys of the batch that failed, in queue order
     * @param cause     what the writer threw
     * @param attempt   1 for the first failure of this batch, 2 for the first retry's, ...
     * @param willRetry false only when the writes are abandoned at close
     */
    void onWriteFailure(List<K> keys, Exception cause, int attempt, boolean willRetry);
}
