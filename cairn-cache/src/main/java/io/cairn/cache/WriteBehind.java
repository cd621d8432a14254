package io.cairn.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The write-behind queue and its flusher thread.
 *
 * <p>Ordering: every store write (the flusher's batches and callers' synchronous fallbacks) happens
 * under {@code flushLock}, and a synchronous write first writes everything queued before it, so
 * per key the store sees writes in the order the cache applied them. Failed batches are kept (in
 * {@code failed}, always older than anything in the queue) and retried with exponential backoff;
 * they are only abandoned at close, after the close timeout, and then reported.
 *
 * <p>{@code latest} maps each key with a write not yet in the store to its newest queued operation,
 * so that a cache miss can be answered from the queue instead of reading the store's older value.
 */
final class WriteBehind<K, V> {
    private static final Logger log = LoggerFactory.getLogger(WriteBehind.class);

    /** A queued write; {@code value == null} is a delete. */
    record Op<K, V>(K key, V value) {
    }

    /** Settings from the builder. */
    record Settings(int queueCapacity, int batchSize, Duration flushInterval, Duration initialBackoff,
                    Duration maxBackoff, Duration closeTimeout) {
        static final Settings DEFAULTS = new Settings(10_000, 256, Duration.ofMillis(100),
                Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    private final String cacheName;
    private final CacheWriter<K, V> writer;
    private final Settings settings;
    private final WriteFailureListener<? super K> failureListener;
    private final LongAdder writeFailures;
    private final ArrayBlockingQueue<Op<K, V>> queue;
    private final ConcurrentHashMap<K, Op<K, V>> latest = new ConcurrentHashMap<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Enqueuers share it; close takes it exclusively, so nothing is queued after the last flush. */
    private final ReentrantReadWriteLock closeGate = new ReentrantReadWriteLock();
    private final Thread flusher;

    // guarded by flushLock
    private List<Op<K, V>> failed = List.of();
    private int failedAttempts;
    private volatile int failedCount;

    private volatile boolean closing;
    private volatile long closeDeadlineNanos;
    private volatile int abandoned;

    WriteBehind(String cacheName, CacheWriter<K, V> writer, Settings settings,
                WriteFailureListener<? super K> failureListener, LongAdder writeFailures) {
        this.cacheName = cacheName;
        this.writer = writer;
        this.settings = settings;
        this.failureListener = failureListener;
        this.writeFailures = writeFailures;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.flusher = Thread.ofPlatform().daemon().name("cairn-cache-write-behind-" + cacheName)
                .unstarted(this::runFlusher);
        flusher.start();
    }

    /**
     * Queues a write (or a delete, with a null value). Returns false if the queue is full; the
     * caller then writes synchronously with {@link #writeNow}. Callers hold the key's lock, so the
     * bookkeeping in {@code latest} cannot race with another write of the same key.
     */
    boolean enqueue(K key, V value) {
        if (!closeGate.readLock().tryLock()) {
            return false; // closing: write synchronously instead
        }
        try {
            if (closing) {
                return false;
            }
            Op<K, V> op = new Op<>(key, value);
            Op<K, V> previous = latest.put(key, op);
            if (queue.offer(op)) {
                if (queue.size() >= settings.batchSize()) {
                    LockSupport.unpark(flusher);
                }
                return true;
            }
            if (previous != null) {
                latest.replace(key, op, previous);
            } else {
                latest.remove(key, op);
            }
            return false;
        } finally {
            closeGate.readLock().unlock();
        }
    }

    /**
     * Writes (or deletes, with a null value) synchronously, after everything queued or failed before
     * it. The earlier writes are attempted in the same batch.
     *
     * @throws CacheWriteException if the batch fails; the earlier writes are kept for retry, this
     *         one is not (its caller is told)
     */
    void writeNow(K key, V value) {
        Op<K, V> own = new Op<>(key, value);
        List<Op<K, V>> earlier;
        Exception failure = null;
        int attempt = 0;
        flushLock.lock();
        try {
            List<Op<K, V>> batch = new ArrayList<>(failed);
            queue.drainTo(batch);
            earlier = List.copyOf(batch);
            batch.add(own);
            try {
                writeBatch(batch);
                markWritten(earlier);
                setFailed(List.of(), 0);
            } catch (Exception e) {
                writeFailures.increment();
                failure = e;
                attempt = earlier.isEmpty() ? 0 : failedAttempts + 1;
                setFailed(earlier, attempt);
            }
        } finally {
            flushLock.unlock();
        }
        if (failure != null) {
            if (!earlier.isEmpty()) {
                report(earlier, failure, attempt, true);
            }
            throw new CacheWriteException("cache '" + cacheName + "': synchronous "
                    + (value == null ? "delete" : "write") + " of key " + key + " failed", failure);
        }
    }

    /** The newest queued operation for the key, or null when the store is up to date for it. */
    Op<K, V> pending(K key) {
        return latest.get(key);
    }

    /** Writes queued or failed and not yet in the store. */
    long pendingCount() {
        return queue.size() + failedCount;
    }

    /** Asks the flusher to flush now rather than at the end of its interval. */
    void flushSoon() {
        LockSupport.unpark(flusher);
    }

    /**
     * Flushes everything, retrying failures until the close timeout, then stops the flusher.
     *
     * @throws CacheWriteException if writes had to be abandoned (each was reported)
     */
    void close() {
        closeDeadlineNanos = System.nanoTime() + settings.closeTimeout().toNanos();
        closeGate.writeLock().lock();
        try {
            closing = true;
        } finally {
            closeGate.writeLock().unlock();
        }
        LockSupport.unpark(flusher);
        try {
            flusher.join(settings.closeTimeout().plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (flusher.isAlive()) {
            // The writer hangs in a call we cannot cancel; whatever it still holds is reported.
            flusher.interrupt();
            abandonRemaining(new CacheWriteException("writer did not return before the close timeout", null));
        }
        if (abandoned > 0) {
            throw new CacheWriteException("cache '" + cacheName + "': " + abandoned
                    + " queued writes could not be flushed before the close timeout of "
                    + settings.closeTimeout() + " and were abandoned (each reported to the WriteFailureListener)",
                    null);
        }
    }

    private void runFlusher() {
        long backoffNanos = settings.initialBackoff().toNanos();
        while (true) {
            boolean retrying = failedCount > 0;
            if (!closing) {
                if (retrying) {
                    LockSupport.parkNanos(this, backoffNanos);
                } else if (queue.size() < settings.batchSize()) {
                    LockSupport.parkNanos(this, settings.flushInterval().toNanos());
                }
            } else if (retrying) {
                long left = closeDeadlineNanos - System.nanoTime();
                if (left <= 0) {
                    abandonRemaining(null);
                    return;
                }
                LockSupport.parkNanos(this, Math.min(backoffNanos, left));
            }
            List<Op<K, V>> batch;
            Exception failure = null;
            int attempt = 0;
            flushLock.lock();
            try {
                if (!failed.isEmpty()) {
                    batch = failed;
                } else {
                    batch = new ArrayList<>(Math.min(queue.size(), settings.batchSize()));
                    queue.drainTo(batch, settings.batchSize());
                }
                if (batch.isEmpty()) {
                    // Seeing closing == true means every enqueue has finished (close took the gate
                    // exclusively), so an empty queue now is final; one that filled after our drain
                    // is flushed on the next turn.
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                try {
                    writeBatch(batch);
                    markWritten(batch);
                    setFailed(List.of(), 0);
                } catch (Exception e) {
                    writeFailures.increment();
                    failure = e;
                    attempt = failedAttempts + 1;
                    setFailed(List.copyOf(batch), attempt);
                }
            } finally {
                flushLock.unlock();
            }
            if (failure != null) {
                report(batch, failure, attempt, true);
                backoffNanos = Math.min(backoffNanos * 2, settings.maxBackoff().toNanos());
            } else {
                backoffNanos = settings.initialBackoff().toNanos();
            }
        }
    }

    private void abandonRemaining(Exception cause) {
        List<Op<K, V>> rest;
        int attempt;
        boolean locked = flushLock.tryLock();
        try {
            rest = new ArrayList<>(failed);
            queue.drainTo(rest);
            attempt = failedAttempts;
            setFailed(List.of(), 0);
        } finally {
            if (locked) {
                flushLock.unlock();
            }
        }
        if (rest.isEmpty()) {
            return;
        }
        abandoned += rest.size();
        for (Op<K, V> op : rest) {
            latest.remove(op.key(), op);
        }
        Exception reason = cause != null ? cause
                : new CacheWriteException("close timeout " + settings.closeTimeout() + " passed", null);
        log.error("cache '{}': abandoning {} unflushed writes at close", cacheName, rest.size());
        report(rest, reason, attempt, false);
    }

    private void setFailed(List<Op<K, V>> ops, int attempts) {
        failed = ops;
        failedAttempts = attempts;
        failedCount = ops.size();
    }

    private void markWritten(List<Op<K, V>> batch) {
        for (Op<K, V> op : batch) {
            latest.remove(op.key(), op);
        }
    }

    /**
     * Writes one batch: per key only the newest operation counts (older ones would be overwritten
     * anyway), and runs of puts go to {@link CacheWriter#writeAll} in queue order, split by deletes so
     * that the store sees the operations in the order they were made.
     */
    private void writeBatch(List<Op<K, V>> batch) throws Exception {
        LinkedHashMap<K, Op<K, V>> newest = new LinkedHashMap<>();
        for (Op<K, V> op : batch) {
            newest.remove(op.key());
            newest.put(op.key(), op);
        }
        Map<K, V> puts = new LinkedHashMap<>();
        for (Op<K, V> op : newest.values()) {
            if (op.value() != null) {
                puts.put(op.key(), op.value());
            } else {
                if (!puts.isEmpty()) {
                    writer.writeAll(puts);
                    puts = new LinkedHashMap<>();
                }
                writer.delete(op.key());
            }
        }
        if (!puts.isEmpty()) {
            writer.writeAll(puts);
        }
    }

    private void report(List<Op<K, V>> ops, Exception cause, int attempt, boolean willRetry) {
        List<K> keys = new ArrayList<>(ops.size());
        for (Op<K, V> op : ops) {
            keys.add(op.key());
        }
        if (failureListener == null) {
            log.warn("cache '{}': write-behind flush of {} writes failed (attempt {}, {}): {}", cacheName,
                    keys.size(), attempt, willRetry ? "will retry" : "abandoned", cause.toString());
            return;
        }
        try {
            failureListener.onWriteFailure(List.copyOf(keys), cause, attempt, willRetry);
        } catch (RuntimeException e) {
            log.warn("cache '{}': WriteFailureListener threw", cacheName, e);
        }
    }

}
