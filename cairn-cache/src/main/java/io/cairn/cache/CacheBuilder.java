package io.cairn.cache;

import io.cairn.memory.MemoryGovernor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Configures and builds a {@link Cache}. Every setter may be called once; {@link #build()} checks
 * the combination and fails with a message naming the settings that conflict.
 *
 * <pre>{@code
 * Cache<Cid, byte[]> blocks = CacheBuilder.newBuilder()
 *         .name("blocks")
 *         .maximumWeight(256L << 20)
 *         .weigher(Weigher.bytesWithOverhead((byte[] b) -> b.length))
 *         .evictionPolicy(EvictionPolicy.W_TINY_LFU)
 *         .governedBy(governor, GovernanceConfig.defaults())
 *         .recordStats()
 *         .build();
 * }</pre>
 *
 * Defaults: unbounded (no maximum) unless {@link #maximumWeight} is set; each entry weighs 1 unless a
 * weigher is given; {@link EvictionPolicy#ADAPTIVE}; no expiry; no statistics; write-through when a writer is given;
 * {@code System::nanoTime} as the ticker.
 */
public final class CacheBuilder<K, V> {
    private static final AtomicInteger UNNAMED = new AtomicInteger();

    private String name;
    private long maximumWeight = -1;
    private Weigher<? super K, ? super V> weigher;
    private EvictionPolicy evictionPolicy;
    private Duration expireAfterWrite;
    private Duration expireAfterAccess;
    private double refreshFraction = Double.NaN;
    private Function<? super K, ? extends V> reloader;
    private RemovalListener<? super K, ? super V> removalListener;
    private boolean recordStats;
    private Executor executor;
    private Executor maintenanceExecutor;
    private CacheWriter<K, V> writer;
    private WritePolicy writePolicy;
    private Integer queueCapacity;
    private Integer batchSize;
    private Duration flushInterval;
    private Duration initialBackoff;
    private Duration maxBackoff;
    private Duration closeTimeout;
    private WriteFailureListener<? super K> writeFailureListener;
    private MemoryGovernor governor;
    private GovernanceConfig governance;
    private LongSupplier ticker;
    private CacheScheduler scheduler;

    private CacheBuilder() {
    }

    public static <K, V> CacheBuilder<K, V> newBuilder() {
        return new CacheBuilder<>();
    }

    /** The name used in metrics ({@code cache=<name>}) and in the governor's accounting. */
    public CacheBuilder<K, V> name(String name) {
        requireUnset(this.name, "name");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }

    /** The bound on the sum of the entries' weights (bytes, with a byte weigher). */
    public CacheBuilder<K, V> maximumWeight(long maximumWeight) {
        if (this.maximumWeight >= 0) {
            throw new IllegalStateException("maximumWeight was already set to " + this.maximumWeight);
        }
        if (maximumWeight < 0) {
            throw new IllegalArgumentException("maximumWeight must be >= 0, got " + maximumWeight);
        }
        this.maximumWeight = maximumWeight;
        return this;
    }

    /** How much each entry weighs; see {@link Weigher#bytesWithOverhead}. Requires maximumWeight. */
    @SuppressWarnings("unchecked")
    public <K1 extends K, V1 extends V> CacheBuilder<K1, V1> weigher(Weigher<? super K1, ? super V1> weigher) {
        requireUnset(this.weigher, "weigher");
        CacheBuilder<K1, V1> self = (CacheBuilder<K1, V1>) this;
        self.weigher = Objects.requireNonNull(weigher, "weigher");
        return self;
    }

    public CacheBuilder<K, V> evictionPolicy(EvictionPolicy policy) {
        requireUnset(this.evictionPolicy, "evictionPolicy");
        this.evictionPolicy = Objects.requireNonNull(policy, "evictionPolicy");
        return this;
    }

    /** Entries expire this long after they were written (put, load or refresh). */
    public CacheBuilder<K, V> expireAfterWrite(Duration duration) {
        requireUnset(this.expireAfterWrite, "expireAfterWrite");
        this.expireAfterWrite = requirePositive(duration, "expireAfterWrite");
        return this;
    }

    /** Entries expire this long after they were last read or written. */
    public CacheBuilder<K, V> expireAfterAccess(Duration duration) {
        requireUnset(this.expireAfterAccess, "expireAfterAccess");
        this.expireAfterAccess = requirePositive(duration, "expireAfterAccess");
        return this;
    }

    /**
     * Refresh-ahead: a read of an entry older than {@code fractionOfLifetime} of its
     * expire-after-write lifetime starts a background reload with {@code reloader} (at most one per
     * key at a time); the old value is served until the new one replaces it. A reload that returns
     * null or throws leaves the old value to expire normally. Requires {@link #expireAfterWrite}.
     *
     * @param fractionOfLifetime in (0, 1), e.g. 0.8
     */
    @SuppressWarnings("unchecked")
    public <K1 extends K, V1 extends V> CacheBuilder<K1, V1> refreshAheadAt(
            double fractionOfLifetime, Function<? super K1, ? extends V1> reloader) {
        if (this.reloader != null) {
            throw new IllegalStateException("refreshAheadAt was already set");
        }
        if (!(fractionOfLifetime > 0.0 && fractionOfLifetime < 1.0)) {
            throw new IllegalArgumentException("refreshAheadAt fraction must be in (0, 1), got " + fractionOfLifetime);
        }
        CacheBuilder<K1, V1> self = (CacheBuilder<K1, V1>) this;
        self.reloader = Objects.requireNonNull(reloader, "reloader");
        self.refreshFraction = fractionOfLifetime;
        return self;
    }

    @SuppressWarnings("unchecked")
    public <K1 extends K, V1 extends V> CacheBuilder<K1, V1> removalListener(
            RemovalListener<? super K1, ? super V1> listener) {
        requireUnset(this.removalListener, "removalListener");
        CacheBuilder<K1, V1> self = (CacheBuilder<K1, V1>) this;
        self.removalListener = Objects.requireNonNull(listener, "removalListener");
        return self;
    }

    /** Keep hit, miss, load and eviction counts (a few striped counters; off by default). */
    public CacheBuilder<K, V> recordStats() {
        this.recordStats = true;
        return this;
    }

    /**
     * Runs refresh-ahead reloads (default: {@link java.util.concurrent.ForkJoinPool#commonPool()}) and,
     * when given, the draining of read buffers that readers found full while the lock was busy.
     * Without it all maintenance happens on the calling threads.
     */
    public CacheBuilder<K, V> executor(Executor executor) {
        requireUnset(this.executor, "executor");
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Where the policy upkeep runs: applying buffered reads and writes to the eviction policy,
     * evicting to the bound, expiring. Default {@link java.util.concurrent.ForkJoinPool#commonPool()}
     * (as Caffeine): callers only append to the buffers and a pool thread applies them, so on a
     * multi-core machine the upkeep overlaps the callers' work; the bound may then be exceeded for a
     * moment by the writes not yet applied (at most {@link LocalCache#WRITE_LOG_MAX} entries or a
     * sixteenth of the bound in weight, beyond which writers apply the buffer themselves).
     * {@link #CALLING_THREAD}: the upkeep runs on the threads that read and write, under a
     * {@code tryLock}; single-threaded use is then exact and deterministic (every write is applied
     * and evicted before it returns), which tests and the hit-ratio simulator rely on.
     */
    public CacheBuilder<K, V> maintenanceExecutor(Executor executor) {
        requireUnset(this.maintenanceExecutor, "maintenanceExecutor");
        this.maintenanceExecutor = Objects.requireNonNull(executor, "maintenanceExecutor");
        return this;
    }

    /** For {@link #maintenanceExecutor}: run the policy upkeep on the calling threads. */
    public static final Executor CALLING_THREAD = new Executor() {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public String toString() {
            return "CALLING_THREAD";
        }
    };

    /** The store behind the cache and how to write to it. */
    @SuppressWarnings("unchecked")
    public <K1 extends K, V1 extends V> CacheBuilder<K1, V1> writer(CacheWriter<K1, V1> writer, WritePolicy policy) {
        requireUnset(this.writer, "writer");
        CacheBuilder<K1, V1> self = (CacheBuilder<K1, V1>) this;
        self.writer = Objects.requireNonNull(writer, "writer");
        self.writePolicy = Objects.requireNonNull(policy, "writePolicy");
        return self;
    }

    /** Write-behind: how many writes may wait (default 10,000); a full queue writes synchronously. */
    public CacheBuilder<K, V> writeBehindQueue(int capacity) {
        requireUnset(this.queueCapacity, "writeBehindQueue");
        if (capacity < 1) {
            throw new IllegalArgumentException("writeBehindQueue capacity must be >= 1, got " + capacity);
        }
        this.queueCapacity = capacity;
        return this;
    }

    /**
     * Write-behind: flush when {@code batchSize} writes wait (default 256) or every
     * {@code flushInterval} (default 100 ms), whichever comes first. The interval is the loss window.
     */
    public CacheBuilder<K, V> writeBehindBatch(int batchSize, Duration flushInterval) {
        requireUnset(this.batchSize, "writeBehindBatch");
        if (batchSize < 1) {
            throw new IllegalArgumentException("writeBehindBatch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.flushInterval = requirePositive(flushInterval, "writeBehindBatch flushInterval");
        return this;
    }

    /** Write-behind: backoff between retries of a failed batch, doubling up to max (50 ms .. 10 s). */
    public CacheBuilder<K, V> writeBehindRetry(Duration initialBackoff, Duration maxBackoff) {
        requireUnset(this.initialBackoff, "writeBehindRetry");
        this.initialBackoff = requirePositive(initialBackoff, "writeBehindRetry initialBackoff");
        this.maxBackoff = requirePositive(maxBackoff, "writeBehindRetry maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("writeBehindRetry maxBackoff " + maxBackoff
                    + " is shorter than initialBackoff " + initialBackoff);
        }
        return this;
    }

    /** Write-behind: how long {@link Cache#close()} keeps retrying before it abandons (default 30 s). */
    public CacheBuilder<K, V> writeBehindCloseTimeout(Duration timeout) {
        requireUnset(this.closeTimeout, "writeBehindCloseTimeout");
        this.closeTimeout = requirePositive(timeout, "writeBehindCloseTimeout");
        return this;
    }

    /** Write-behind: told of failed flushes (default: a log warning). */
    public CacheBuilder<K, V> writeFailureListener(WriteFailureListener<? super K> listener) {
        requireUnset(this.writeFailureListener, "writeFailureListener");
        this.writeFailureListener = Objects.requireNonNull(listener, "writeFailureListener");
        return this;
    }

    /**
     * Obey {@code governor}: trim, stop admitting and force write-through per level as
     * {@code config} says, and report the weighted size as a heap consumer. Requires maximumWeight.
     * The subscription ends with {@link Cache#close()}.
     */
    public CacheBuilder<K, V> governedBy(MemoryGovernor governor, GovernanceConfig config) {
        requireUnset(this.governor, "governedBy");
        this.governor = Objects.requireNonNull(governor, "governor");
        this.governance = Objects.requireNonNull(config, "governance config");
        return this;
    }

    /** The time source in nanoseconds, for expiry and restore steps (tests pass a fake). */
    public CacheBuilder<K, V> ticker(LongSupplier nanos) {
        requireUnset(this.ticker, "ticker");
        this.ticker = Objects.requireNonNull(nanos, "ticker");
        return this;
    }

    /**
     * The timer that runs time-based maintenance (restore steps after pressure, expiry) while the
     * cache sees no traffic. Default {@link CacheScheduler#system()}; tests pass a manual one.
     */
    public CacheBuilder<K, V> scheduler(CacheScheduler scheduler) {
        requireUnset(this.scheduler, "scheduler");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * Builds the cache.
     *
     * @throws IllegalStateException naming the conflicting settings
     */
    @SuppressWarnings("unchecked")
    public <K1 extends K, V1 extends V> Cache<K1, V1> build() {
        List<String> problems = new ArrayList<>();
        boolean bounded = maximumWeight >= 0;
        if (weigher != null && !bounded) {
            problems.add("weigher(...) requires maximumWeight(...): weights only matter against a bound");
        }
        if (evictionPolicy != null && !bounded) {
            problems.add("evictionPolicy(" + evictionPolicy + ") requires maximumWeight(...): an unbounded cache never evicts");
        }
        if (governor != null && !bounded) {
            problems.add("governedBy(...) requires maximumWeight(...): an unbounded cache cannot be trimmed");
        }
        if (reloader != null && expireAfterWrite == null) {
            problems.add("refreshAheadAt(" + refreshFraction + ", ...) requires expireAfterWrite(...): "
                    + "the refresh point is a fraction of the write lifetime");
        }
        boolean writeBehind = writePolicy == WritePolicy.WRITE_BEHIND;
        List<String> behindOptions = new ArrayList<>();
        if (queueCapacity != null) behindOptions.add("writeBehindQueue");
        if (batchSize != null) behindOptions.add("writeBehindBatch");
        if (initialBackoff != null) behindOptions.add("writeBehindRetry");
        if (closeTimeout != null) behindOptions.add("writeBehindCloseTimeout");
        if (writeFailureListener != null) behindOptions.add("writeFailureListener");
        if (!writeBehind && !behindOptions.isEmpty()) {
            problems.add(String.join(", ", behindOptions) + " require writer(..., WritePolicy.WRITE_BEHIND)"
                    + (writePolicy == null ? " but no writer is set" : " but the write policy is " + writePolicy));
        }
        WriteBehind.Settings d = WriteBehind.Settings.DEFAULTS;
        WriteBehind.Settings wb = new WriteBehind.Settings(
                queueCapacity != null ? queueCapacity : d.queueCapacity(),
                batchSize != null ? batchSize : d.batchSize(),
                flushInterval != null ? flushInterval : d.flushInterval(),
                initialBackoff != null ? initialBackoff : d.initialBackoff(),
                maxBackoff != null ? maxBackoff : d.maxBackoff(),
                closeTimeout != null ? closeTimeout : d.closeTimeout());
        if (writeBehind && wb.batchSize() > wb.queueCapacity()) {
            problems.add("writeBehindBatch size " + wb.batchSize() + " exceeds writeBehindQueue capacity "
                    + wb.queueCapacity());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid cache configuration"
                    + (name != null ? " for '" + name + "'" : "") + ": " + String.join("; ", problems));
        }
        Settings<K, V> s = new Settings<>(
                name != null ? name : "cache-" + UNNAMED.incrementAndGet(),
                bounded ? maximumWeight : Long.MAX_VALUE,
                weigher != null ? weigher : Weigher.singleton(),
                evictionPolicy != null ? evictionPolicy : EvictionPolicy.ADAPTIVE,
                expireAfterWrite != null ? expireAfterWrite.toNanos() : 0L,
                expireAfterAccess != null ? expireAfterAccess.toNanos() : 0L,
                refreshFraction, reloader, removalListener, recordStats, executor, writer,
                writePolicy != null ? writePolicy : WritePolicy.WRITE_THROUGH, wb, writeFailureListener,
                governor, governance, ticker != null ? ticker : System::nanoTime,
                scheduler != null ? scheduler : CacheScheduler.system(),
                maintenanceExecutor == CALLING_THREAD ? null
                        : maintenanceExecutor != null ? maintenanceExecutor : ForkJoinPool.commonPool());
        LocalCache<K, V> engine = new LocalCache<>(s);
        Cache<K, V> cache = switch (s.writer() == null ? null : s.writePolicy()) {
            case null -> engine;
            case WRITE_THROUGH -> new WriteThroughCache<>(engine, s.writer());
            case WRITE_BEHIND -> new WriteBehindCache<>(engine, s.writer(), s.writeBehindSettings(),
                    s.writeFailureListener());
        };
        return (Cache<K1, V1>) cache;
    }

    /** The validated settings handed to the engine. */
    record Settings<K, V>(String name, long maximumWeight, Weigher<? super K, ? super V> weigher,
                          EvictionPolicy evictionPolicy, long expireAfterWriteNanos, long expireAfterAccessNanos,
                          double refreshFraction, Function<? super K, ? extends V> reloader,
                          RemovalListener<? super K, ? super V> removalListener, boolean recordStats,
                          Executor executor, CacheWriter<K, V> writer, WritePolicy writePolicy,
                          WriteBehind.Settings writeBehindSettings, WriteFailureListener<? super K> writeFailureListener,
                          MemoryGovernor governor, GovernanceConfig governance, LongSupplier ticker,
                          CacheScheduler scheduler, Executor maintenanceExecutor) {
    }

    private static void requireUnset(Object current, String setting) {
        if (current != null) {
            throw new IllegalStateException(setting + " was already set to " + current);
        }
    }

    private static Duration requirePositive(Duration d, String setting) {
        Objects.requireNonNull(d, setting);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive, got " + d);
        }
        return d;
    }
}
