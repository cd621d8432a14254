package io.cairn.redis;

import io.cairn.blockstore.Block;
import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.ForwardingBlockstore;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.memory.MemoryGovernor;
import io.cairn.memory.MemoryPressureException;
import io.cairn.memory.PressureLevel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A shared, best-effort L2 tier of block bytes in Redis between the in-process caches and the store
 * of record. Reads try Redis first and fall through to the store; a block read from the store is
 * written to Redis afterwards (asynchronously, and only when it is small enough, memory is not under
 * HIGH pressure, and the bytes in flight can be reserved with the governor). Writes go to the store
 * only: Redis is filled by reads.
 *
 * <p>Nothing here can lose or corrupt data:
 * <ul>
 *   <li>every value read from Redis is hashed against its CID before it is served; a mismatch is
 *       counted, deleted from Redis and answered from the store;</li>
 *   <li>every Redis failure (timeout, connection refused, cluster down, {@code OOM command not
 *       allowed}) is counted and the read falls through; a circuit breaker stops calling a Redis
 *       that keeps failing and tries again after {@code breakerOpenFor};</li>
 *   <li>{@code delete} removes the key from Redis as well. If that fails, the block is remembered
 *       as deleted (a local tombstone, for the Redis TTL) and never served from Redis by this node;
 *       a population racing a delete is ordered by a per-key stripe so it cannot land after it.</li>
 * </ul>
 * Concurrent misses for one block on this node run one store read ({@code loads}).
 */
public final class RedisBlockTier extends ForwardingBlockstore {
    /** Bytes of populations in flight beyond which new ones are skipped (a slow Redis must not pile up memory). */
    static final long MAX_IN_FLIGHT_BYTES = 32L * 1024 * 1024;
    /** Tombstones kept at most; past this, reads from Redis are suspended for a TTL (safe, just slower). */
    static final int MAX_TOMBSTONES = 100_000;
    private static final long IDENTITY = 0x00;
    private static final int STRIPES = 64;

    private final L2Store l2;
    private final RedisTierOptions options;
    private final MemoryGovernor governor;
    private final CircuitBreaker breaker;
    private final RedisTierMetrics metrics;
    private final LongSupplier nanoTime;
    private final byte[] prefix;
    private final ConcurrentHashMap<Multihash, CompletableFuture<Block>> loads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Multihash, Long> tombstones = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[STRIPES];
    private final AtomicLong inFlightBytes = new AtomicLong();
    private volatile boolean readsSuspended;
    private volatile long readsSuspendedUntil;

    private RedisBlockTier(Blockstore store, L2Store l2, RedisTierOptions options, MemoryGovernor governor,
                           MeterRegistry registry, LongSupplier nanoTime) {
        super(store);
        this.l2 = l2;
        this.options = options;
        this.governor = governor;
        this.nanoTime = nanoTime;
        this.prefix = options.keyPrefix().getBytes(StandardCharsets.UTF_8);
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(options.commandTimeout())
                .slowCallRateThreshold(80)
                .waitDurationInOpenState(options.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
        this.metrics = new RedisTierMetrics(registry, breaker);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * The tier over {@code store}. {@code governor} may be null (no reservations, no pressure check);
     * {@code registry} may be null (metrics kept but not exported).
     */
    public static RedisBlockTier over(Blockstore store, L2Store l2, RedisTierOptions options, MemoryGovernor governor,
                                      MeterRegistry registry) {
        return new RedisBlockTier(store, l2, options, governor, registry, System::nanoTime);
    }

    static RedisBlockTier over(Blockstore store, L2Store l2, RedisTierOptions options, MemoryGovernor governor,
                               MeterRegistry registry, LongSupplier nanoTime) {
        return new RedisBlockTier(store, l2, options, governor, registry, nanoTime);
    }

    /**
     * The store answers; only when the store fails (S3 down) is a block found in Redis (and verified)
     * reported as present, so that it can still be served. Absence is never taken from Redis.
     */
    @Override
    public boolean has(Cid cid) {
        try {
            return super.has(cid);
        } catch (RuntimeException e) {
            if (cid.multihash().code() != IDENTITY && fromRedis(cid) != null) {
                return true;
            }
            throw e;
        }
    }

    /** As {@link #has}: the store's answer, or the size of the verified Redis copy when the store fails. */
    @Override
    public int getSize(Cid cid) {
        try {
            return super.getSize(cid);
        } catch (RuntimeException e) {
            byte[] cached = cid.multihash().code() != IDENTITY ? fromRedis(cid) : null;
            if (cached != null) {
                return cached.length;
            }
            throw e;
        }
    }

    @Override
    public Block get(Cid cid) {
        if (cid.multihash().code() == IDENTITY) {
            return super.get(cid);
        }
        byte[] cached = fromRedis(cid);
        if (cached != null) {
            return Block.of(cid, cached); // fromRedis hashed it already
        }
        return load(cid);
    }

    @Override
    public <T> T view(Cid cid, Function<ByteBuffer, T> reader) {
        if (cid.multihash().code() == IDENTITY) {
            return super.view(cid, reader);
        }
        byte[] cached = fromRedis(cid);
        if (cached != null) {
            return reader.apply(ByteBuffer.wrap(cached).asReadOnlyBuffer());
        }
        Multihash mh = cid.multihash();
        return super.view(cid, buf -> {
            populate(mh, buf.remaining(), () -> {
                byte[] copy = new byte[buf.remaining()];
                buf.duplicate().get(copy);
                return copy;
            });
            return reader.apply(buf);
        });
    }

    @Override
    public void put(Block block) {
        super.put(block);
        tombstones.remove(block.cid().multihash());
    }

    @Override
    public void putMany(Collection<Block> blocks) {
        super.putMany(blocks);
        for (Block b : blocks) {
            tombstones.remove(b.cid().multihash());
        }
    }

    @Override
    public boolean delete(Cid cid) {
        Multihash mh = cid.multihash();
        if (mh.code() == IDENTITY) {
            return super.delete(cid);
        }
        CompletableFuture<Void> del;
        synchronized (stripe(mh)) {
            // Tombstone first: no population issued from now on can land after the DEL below.
            tombstone(mh);
            del = call("del", () -> l2.delete(key(mh)));
        }
        boolean removed = super.delete(cid);
        if (await("del", del, null) == Outcome.OK) {
            // The DEL is ordered after every SET issued before it (one connection per node), so the
            // tombstone is only needed while those drain.
            tombstones.computeIfPresent(mh, (k, until) -> Math.min(until, nanoTime.getAsLong() + options.commandTimeout().toNanos() * 4));
        }
        return removed;
    }

    /**
     * Forgets {@code cid} because another node sharing the store deleted it: it is never served from
     * Redis by this node again until it is put here (a tombstone, for the Redis TTL), and its key is
     * deleted once more in case the deleting node's DEL was lost (a failover, a timeout). Never throws.
     */
    public void forget(Cid cid) {
        Multihash mh = cid.multihash();
        if (mh.code() == IDENTITY) {
            return;
        }
        synchronized (stripe(mh)) {
            tombstone(mh);
            call("del", () -> l2.delete(key(mh)));
        }
    }

    /** The tier's breaker state, for /health: CLOSED, OPEN, HALF_OPEN. */
    public String breakerState() {
        return breaker.getState().name();
    }

    RedisTierMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            l2.close();
        }
    }

    @Override
    public String toString() {
        return "RedisBlockTier[max " + options.maxValueBytes() + " B, ttl " + options.ttl() + "] -> " + delegate();
    }

    // --- reads -----------------------------------------------------------------------------------

    /** Verified bytes from Redis, or null (absent, failed, corrupt, tombstoned, breaker open). */
    private byte[] fromRedis(Cid cid) {
        Multihash mh = cid.multihash();
        if (readsSuspended) {
            if (nanoTime.getAsLong() - readsSuspendedUntil < 0) {
                return null;
            }
            readsSuspended = false;
        }
        if (isTombstoned(mh)) {
            return null;
        }
        CompletableFuture<byte[]> f = call("get", () -> l2.get(key(mh)));
        byte[][] holder = new byte[1][];
        if (await("get", f, holder) != Outcome.OK) {
            return null;
        }
        byte[] value = holder[0];
        if (value == null) {
            metrics.request("get", "miss");
            return null;
        }
        if (!mh.matches(value)) {
            metrics.corrupt();
            call("del", () -> l2.delete(key(mh)));
            return null;
        }
        metrics.request("get", "hit");
        return value;
    }

    /** One store read per block at a time on this node; the others wait for it. */
    private Block load(Cid cid) {
        Multihash mh = cid.multihash();
        CompletableFuture<Block> mine = new CompletableFuture<>();
        CompletableFuture<Block> running = loads.putIfAbsent(mh, mine);
        if (running != null) {
            try {
                Block b = running.join();
                return b.cid().equals(cid) ? b : Block.of(cid, b.bytes());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
        }
        try {
            Block b = super.get(cid);
            populate(mh, b.size(), b::bytes);
            mine.complete(b);
            return b;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loads.remove(mh, mine);
        }
    }

    // --- population ------------------------------------------------------------------------------

    private void populate(Multihash mh, int size, java.util.function.Supplier<byte[]> bytes) {
        if (size > options.maxValueBytes()) {
            metrics.skipped("too_large");
            return;
        }
        if (governor != null && governor.level().atLeast(PressureLevel.HIGH)) {
            metrics.skipped("pressure");
            return;
        }
        if (inFlightBytes.addAndGet(size) > MAX_IN_FLIGHT_BYTES) {
            inFlightBytes.addAndGet(-size);
            metrics.skipped("backlog");
            return;
        }
        MemoryGovernor.Reservation reservation = null;
        try {
            if (governor != null) {
                reservation = governor.tryReserve(size);
            }
        } catch (MemoryPressureException e) {
            inFlightBytes.addAndGet(-size);
            metrics.skipped("reservation");
            return;
        }
        MemoryGovernor.Reservation held = reservation;
        CompletableFuture<Void> set;
        synchronized (stripe(mh)) {
            if (isTombstoned(mh)) {
                release(held, size);
                metrics.skipped("deleted");
                return;
            }
            byte[] value = bytes.get();
            set = call("set", () -> l2.set(key(mh), value, options.ttl()));
        }
        set.whenComplete((v, e) -> release(held, size));
        // Completion is counted by call(); nothing waits for it.
    }

    private void release(MemoryGovernor.Reservation r, int size) {
        inFlightBytes.addAndGet(-size);
        if (r != null) {
            r.release();
        }
    }

    // --- calls through the breaker --------------------------------------------------------------

    private enum Outcome { OK, FAILED, REJECTED }

    /**
     * Issues a call through the breaker; the returned future completes when Redis answers (or
     * fails), and the breaker and metrics are updated then, whether or not anyone waits.
     */
    private <T> CompletableFuture<T> call(String op, java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> issue) {
        if (!breaker.tryAcquirePermission()) {
            metrics.request(op, "rejected");
            return CompletableFuture.failedFuture(new BreakerOpen());
        }
        long start = nanoTime.getAsLong();
        CompletableFuture<T> f;
        try {
            f = issue.get().toCompletableFuture();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> timed = f.orTimeout(options.commandTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        timed.whenComplete((v, e) -> {
            long took = nanoTime.getAsLong() - start;
            metrics.latency(op, took);
            Throwable cause = unwrap(e);
            if (cause == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                if (!op.equals("get")) {
                    metrics.request(op, "ok");
                }
            } else if (isOutOfMemory(cause)) {
                // Redis answered: it is up, only full. Not a reason to open the breaker.
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                metrics.request(op, "refused");
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, cause);
                metrics.request(op, cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")
                        ? "timeout" : "error");
            }
        });
        return timed;
    }

    /** Waits for a call; the value goes into {@code holder[0]} when one is given. */
    private <T> Outcome await(String op, CompletableFuture<T> f, T[] holder) {
        try {
            T v = f.get(options.commandTimeout().toMillis() * 2 + 50, TimeUnit.MILLISECONDS);
            if (holder != null) {
                holder[0] = v;
            }
            return Outcome.OK;
        } catch (ExecutionException e) {
            return e.getCause() instanceof BreakerOpen ? Outcome.REJECTED : Outcome.FAILED;
        } catch (TimeoutException e) {
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean isOutOfMemory(Throwable e) {
        String m = e.getMessage();
        return m != null && m.startsWith("OOM ");
    }

    /** Marks a call that was not made because the breaker is open. */
    private static final class BreakerOpen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BreakerOpen() {
            super("redis circuit breaker open", null, false, false);
        }
    }

    // --- tombstones ------------------------------------------------------------------------------

    private void tombstone(Multihash mh) {
        if (tombstones.size() >= MAX_TOMBSTONES) {
            purgeTombstones();
            if (tombstones.size() >= MAX_TOMBSTONES) {
                // Too many deletes Redis could not see: stop reading from it until they have expired there.
                readsSuspendedUntil = nanoTime.getAsLong() + options.ttl().toNanos();
                readsSuspended = true;
                tombstones.clear();
            }
        }
        tombstones.put(mh, nanoTime.getAsLong() + options.ttl().toNanos());
    }

    private boolean isTombstoned(Multihash mh) {
        Long until = tombstones.get(mh);
        if (until == null) {
            return false;
        }
        if (nanoTime.getAsLong() - until >= 0) {
            tombstones.remove(mh, until);
            return false;
        }
        return true;
    }

    private void purgeTombstones() {
        long now = nanoTime.getAsLong();
        tombstones.entrySet().removeIf(e -> now - e.getValue() >= 0);
    }

    private Object stripe(Multihash mh) {
        return stripes[(mh.hashCode() & 0x7fffffff) % STRIPES];
    }

    byte[] key(Multihash mh) {
        byte[] hex = HexFormat.of().formatHex(mh.toBytes()).getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[prefix.length + hex.length];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        System.arraycopy(hex, 0, key, prefix.length, hex.length);
        return key;
    }
}
