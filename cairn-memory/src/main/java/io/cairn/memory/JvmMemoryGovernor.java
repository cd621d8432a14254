package io.cairn.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.cairn.memory.UsageModel.Usage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governor for a real JVM: watches the heap's live set, direct and mapped buffers, its own
 * reservations and registered off-heap consumers against a budget, and turns that into a
 * {@link PressureLevel}. Start one per budget with {@link #start(GovernorConfig)} and close it
 * when done; see docs/MEMORY_MANAGEMENT.md for what is measured and why.
 *
 * <p>Threads (daemon, named {@code cairn-governor-<n>-*}): a monitor thread that evaluates on GC
 * notifications and on a sampler tick, a notification thread for listeners, and a short-lived
 * thread per requested GC.
 */
public final class JvmMemoryGovernor implements MemoryGovernor {
    private static final Logger LOG = LoggerFactory.getLogger(JvmMemoryGovernor.class);
    /** Numbers thread names only; holds no instance. */
    private static final AtomicInteger IDS = new AtomicInteger();

    private final GovernorConfig config;
    private final String name;
    private final long heapMax;
    private final long maxDirect;
    private final long containerLimit;
    private final long budget;
    /** Whether the process's anonymous RSS is held against the budget (outside a limited cgroup). */
    private final boolean processRssBinds;
    private final NanoClock clock;

    private final UsageModel model;
    private final KernelMemory kernel;
    private final AutoGcPolicy autoGc;
    private final RiseConfirmation confirmation;
    private final BaselineBurst burst;
    /** Null when SoftMaxHeapSize is not writable here. */
    private final HeapShrinker shrinker;
    private final JmxSignals signals;
    private final LiveSetEstimator estimator;
    private final LevelStateMachine machine;
    private final GcRequestGate gcGate;
    private final ScheduledExecutorService monitor;
    private final ListenerDispatcher dispatcher;
    private final ThreadFactory gcThreads;

    private final AtomicLong reserved = new AtomicLong();
    /**
     * Released reservations. Released means allocated; the part released since the last
     * collection (total minus the estimator's mark) is in no after-GC figure yet.
     */
    private final LandedLedger landed;
    /** Places GcInfo end times on the nanoTime axis, once it has learnt how (see GcClock). */
    private final GcClock gcClock;
    private final List<ConsumerEntry> consumers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean evaluationQueued = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile PressureLevel level = PressureLevel.NONE;
    private volatile Usage lastUsage;
    private volatile long lastCollectionNanos;
    /** When the last major (old-generation) collection ended; 0 if this governor has seen none. */
    private volatile long lastMajorCollectionNanos;
    /** Whether the newest collection report was a major one: its figure holds no old garbage. */
    private volatile boolean lastReportMajor;
    // Monitor thread only.
    private ScheduledFuture<?> nextTick;

    private record ConsumerEntry(String name, Residence residence, LongSupplier bytes) {
    }

    private JvmMemoryGovernor(GovernorConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.landed = new LandedLedger(clock);
        this.gcClock = new GcClock(clock.nanoTime());
        this.name = "cairn-governor-" + IDS.incrementAndGet();
        Runtime rt = Runtime.getRuntime();
        this.heapMax = rt.maxMemory();
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        this.maxDirect = maxDirectMemory(hotspot, heapMax);
        this.containerLimit = OsMemory.containerLimitBytes();
        this.budget = config.maxMemoryBytes() > 0 ? config.maxMemoryBytes()
                : deriveBudget(heapMax, maxDirect, containerLimit);
        this.model = new UsageModel(budget, heapMax, maxDirect, containerLimit, config.threshold(PressureLevel.CRITICAL),
                config.threshold(PressureLevel.HIGH), config.heapFastPathRatio(),
                config.threshold(PressureLevel.HIGH) - config.hysteresis());
        this.kernel = KernelMemory.forThisProcess();
        // Outside a limited group only an explicit budget above the heap says how large the process may
        // grow; a derived one (heap + direct) does not cover metaspace, code and stacks, and a budget no
        // larger than the heap governs the heap alone.
        this.processRssBinds = !kernel.inLimitedGroup() && config.maxMemoryBytes() > heapMax;
        this.autoGc = new AutoGcPolicy(config.autoGcLevel(), config.gcMinInterval().toNanos());
        this.shrinker = HeapShrinker.forThisJvm(heapMax, containerLimit);
        this.confirmation = new RiseConfirmation(config.hysteresis() / 2, config.gcMinInterval().toNanos());
        this.burst = new BaselineBurst((long) (config.hysteresis() * heapMax),
                (long) (Math.min(1.0, BURST_LIMIT_HYSTERESES * config.hysteresis()) * heapMax), BaselineBurst.WINDOW_NANOS);
        this.gcGate = new GcRequestGate(config.gcMinInterval().toNanos(), !explicitGcDisabled(hotspot));
        this.machine = new LevelStateMachine(config, clock.nanoTime());
        this.estimator = new LiveSetEstimator(JmxSignals.youngUsedNow(), clock.nanoTime());
        this.monitor = Executors.newSingleThreadScheduledExecutor(daemonThreads(name + "-monitor"));
        this.gcThreads = daemonThreads(name + "-gc");
        ListenerDispatcher d = null;
        JmxSignals s = null;
        try {
            d = new ListenerDispatcher(daemonThreads(name + "-notify"), monitor, config.listenerTimeout().toNanos());
            s = new JmxSignals(this::onCollection, this::requestEvaluation,
                    config.threshold(PressureLevel.LOW));
        } catch (RuntimeException e) {
            if (d != null) {
                d.close();
            }
            monitor.shutdownNow();
            throw e;
        }
        this.dispatcher = d;
        this.signals = s;
    }

    /**
     * Starts a governor: takes a first reading, then watches until {@link #close()}.
     */
    public static JvmMemoryGovernor start(GovernorConfig config) {
        Objects.requireNonNull(config, "config");
        JvmMemoryGovernor governor = new JvmMemoryGovernor(config);
        String sizing = containerSizingWarning(governor.heapMax, governor.containerLimit);
        if (sizing != null) {
            LOG.warn("{}: {}", governor.name, sizing);
        }
        String uncommit = JvmOptionDefaults.zgcUncommitWarning(governor.containerLimit);
        if (uncommit != null) {
            LOG.warn("{}: {}", governor.name, uncommit);
        }
        governor.lastUsage = governor.measure();
        governor.monitor.execute(governor::tick);
        return governor;
    }

    /** Starts a governor with {@link GovernorConfig#defaults()}. */
    public static JvmMemoryGovernor start() {
        return start(GovernorConfig.defaults());
    }

    /**
     * The default budget: heap max plus the direct-memory limit (what the JVM itself will let the
     * process allocate before an OutOfMemoryError), capped by the container limit when there is
     * one (above it the kernel kills the process instead).
     */
    public static long deriveBudgetFor(ProcessMemoryLimits limits) {
        return deriveBudget(limits.heapMaxBytes(), limits.maxDirectBytes(), limits.containerLimitBytes());
    }

    static long deriveBudget(long heapMax, long maxDirect, long containerLimit) {
        long jvm = heapMax + Math.max(0, maxDirect);
        return containerLimit > 0 ? Math.min(jvm, containerLimit) : jvm;
    }

    /**
     * Memory a JVM needs outside its heap that the governor cannot see: metaspace, JIT code, GC
     * structures, thread stacks, malloc arenas, and the file pages the group is charged for.
     * Measured for Cairn's server under an upload flood in a 320 MiB memory cgroup: the kernel
     * killed it with a 1 GiB, a 256 MiB and a 192 MiB heap, and not with 160 or 128 MiB
     * (docs/MEMORY_MANAGEMENT.md, "Containers").
     */
    static final long NATIVE_HEADROOM = 160L << 20;

    /**
     * The most a burst from an exact reading may add before it needs a confirming collection, in
     * hystereses (4 x 5 points = 20 % of the heap at the defaults): a crossing of {@code ./cairn bench
     * governor} read 11-15 % above its baseline at the first young collection that saw it, a large fill
     * read only by young collections 70 % (see {@link BaselineBurst}).
     */
    static final double BURST_LIMIT_HYSTERESES = 4;

    /**
     * A warning when the heap may grow into the container limit, or null. The governor measures
     * the live heap, but the kernel counts every page the heap has touched plus all native
     * memory, and kills the process (no OutOfMemoryError, no degradation) when that total passes
     * the limit. Only the JVM's flags can prevent it.
     */
    static String containerSizingWarning(long heapMax, long containerLimit) {
        if (containerLimit <= 0 || heapMax + NATIVE_HEADROOM <= containerLimit) {
            return null;
        }
        long headroom = containerLimit - heapMax;
        return "the heap max (" + mib(heapMax) + ") leaves " + (headroom < 0 ? "nothing" : mib(headroom))
                + " of the container memory limit (" + mib(containerLimit) + ") for memory outside the heap,"
                + " which needs about " + mib(NATIVE_HEADROOM) + "; the kernel may kill the process (SIGKILL,"
                + " no Java exception) before the governor sees pressure. Start the JVM with -Xmx at most "
                + mib(Math.max(0, containerLimit - NATIVE_HEADROOM)) + " (or -XX:MaxRAM=" + containerLimit + ")";
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    /** -XX:MaxDirectMemorySize, whose default (0) means "as large as the heap max". */
    static long maxDirectMemory(HotSpotDiagnosticMXBean hotspot, long heapMax) {
        if (hotspot == null) {
            return heapMax;
        }
        try {
            long flag = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            return flag > 0 ? flag : heapMax;
        } catch (RuntimeException e) {
            return heapMax;
        }
    }

    static boolean explicitGcDisabled(HotSpotDiagnosticMXBean hotspot) {
        if (hotspot == null) {
            return false;
        }
        try {
            return Boolean.parseBoolean(hotspot.getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static ThreadFactory daemonThreads(String threadName) {
        return r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- MemoryGovernor ------------------------------------------------------------------------

    @Override
    public PressureLevel level() {
        return level;
    }

    @Override
    public MemoryStats stats() {
        return snapshot(measure(), level);
    }

    @Override
    public long budgetBytes() {
        return budget;
    }

    /** The heap limit the heap ratio is measured against (Runtime.maxMemory()). */
    public long heapMaxBytes() {
        return heapMax;
    }

    /** The configuration this governor runs with. */
    public GovernorConfig config() {
        return config;
    }

    @Override
    public Registration addListener(PressureListener listener) {
        Objects.requireNonNull(listener, "listener");
        return dispatcher.add(listener);
    }

    @Override
    public Reservation tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("reservation bytes must not be negative, got " + bytes);
        }
        boolean remeasured = false;
        while (true) {
            long held = reserved.get();
            Refusal refusal = check(held, bytes);
            if (refusal != null && !remeasured) {
                // The quick check adds every byte landed since the last evaluation, which over-counts when
                // reservations were released unused or a collection ran since. Before refusing, read again.
                remeasured = true;
                remeasure();
                continue;
            }
            if (refusal != null) {
                throw new MemoryPressureException("reservation of " + bytes + " bytes refused", refusal.limit,
                        refusal.used, refusal.limitBytes, bytes, level, config.samplerInterval(level));
            }
            if (reserved.compareAndSet(held, held + bytes)) {
                double after = ratioWith(held + bytes);
                if (machine.levelEnteredAt(after).ordinal() > level.ordinal()) {
                    requestEvaluation();
                }
                return new HeldReservation(bytes);
            }
        }
    }

    /**
     * Whether {@link #tryReserve(long)} would grant {@code bytes} now: a volatile read and some arithmetic,
     * and when that says no, one fresh reading before answering.
     */
    @Override
    public boolean wouldFit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        if (check(reserved.get(), bytes) == null) {
            return true;
        }
        remeasure();
        return check(reserved.get(), bytes) == null;
    }

    /** Counted bytes as of the last evaluation plus reservations held and landed since; no allocation. */
    @Override
    public long usedBytes() {
        Usage u = lastUsage;
        long heapNow = model.heapInUse(u, landed.total(), reserved.get());
        return model.totalInUse(u, heapNow);
    }

    /** A refusal from the last evaluation's figures, naming its binding limit; reads no file. */
    @Override
    public MemoryPressureException refusal(String what, long bytes) {
        Usage u = lastUsage;
        return new MemoryPressureException(what, u.binding(), u.bindingUsed(), u.bindingLimitBytes(), bytes, level,
                config.samplerInterval(level));
    }

    /**
     * A fresh reading for a refusal decision, the kernel's figure included (its file is parsed in place,
     * allocating nothing), without moving the level: evaluations stay on the monitor thread.
     */
    private void remeasure() {
        Usage fresh = measure(true);
        Usage old = lastUsage;
        // Keep the newer of two racing readings by landed total; either is a valid snapshot.
        if (old == null || fresh.landedTotal() >= old.landedTotal()) {
            lastUsage = fresh;
        }
    }

    @Override
    public long reservedBytes() {
        return reserved.get();
    }

    @Override
    public Registration registerConsumer(String consumerName, Residence residence, LongSupplier bytes) {
        Objects.requireNonNull(consumerName, "name");
        Objects.requireNonNull(residence, "residence");
        Objects.requireNonNull(bytes, "bytes");
        ConsumerEntry entry = new ConsumerEntry(consumerName, residence, bytes);
        consumers.add(entry);
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                consumers.remove(entry);
            }
        };
    }

    @Override
    public GcRequestResult requestGc() {
        if (closed.get()) {
            return GcRequestResult.RATE_LIMITED;
        }
        return startGc(gcGate.tryStart(clock.nanoTime()));
    }

    /** A confirming collection: spaced by the sampler's floor rather than by {@code gcMinInterval}. */
    private GcRequestResult requestConfirmingGc() {
        if (closed.get()) {
            return GcRequestResult.RATE_LIMITED;
        }
        return startGc(gcGate.tryStart(clock.nanoTime(), config.minSamplerInterval().toNanos()));
    }

    private GcRequestResult startGc(GcRequestResult result) {
        if (result == GcRequestResult.STARTED) {
            Thread t = gcThreads.newThread(() -> {
                try {
                    System.gc();
                } finally {
                    gcGate.finished();
                }
            });
            try {
                t.start();
            } catch (RuntimeException | OutOfMemoryError e) {
                gcGate.finished();
                throw e;
            }
        }
        return result;
    }

    /** How many requested GCs were actually started. */
    public long gcRequestsStarted() {
        return gcGate.startedCount();
    }

    /** False when the JVM runs with -XX:+DisableExplicitGC, so {@link #requestGc()} cannot help. */
    public boolean explicitGcEffective() {
        return gcGate.effective();
    }

    /** The number of subscribed pressure listeners. */
    public int listenerCount() {
        return dispatcher.listenerCount();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        signals.close();
        monitor.shutdownNow();
        if (shrinker != null) {
            shrinker.close();
        }
        dispatcher.close();
        consumers.clear();
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Every JMX listener this governor ever added; for the leak test. */
    List<JmxSignals.Subscription> jmxListeners() {
        return signals.addedListeners();
    }

    @Override
    public String toString() {
        return name + "{level=" + level + ", budget=" + budget + ", heapMax=" + heapMax + "}";
    }

    // ---- Reservations ----------------------------------------------------------------------------

    private record Refusal(BindingLimit limit, long used, long limitBytes) {
    }

    /**
     * Measures a reservation against the last evaluation plus what has changed since in the
     * governor's own accounting (reservations, landed bytes), so a burst is refused before it
     * lands even when no evaluation has run in between.
     */
    private Refusal check(long held, long bytes) {
        Usage u = lastUsage;
        double critical = config.threshold(PressureLevel.CRITICAL);
        long heapNow = model.heapInUse(u, landed.total(), held);
        long totalNow = model.totalInUse(u, heapNow);
        if (u.fastPath()) {
            return new Refusal(BindingLimit.HEAP_FAST_PATH, Math.max(u.heapUsed(), heapNow), heapMax);
        }
        // Close to the line the last evaluation may be a collection or two old; the heap's own
        // figure is one call away and catches a burst that outruns the notifications.
        if (heapNow + bytes >= config.threshold(PressureLevel.HIGH) * heapMax) {
            long heapUsedNow = signals.heapUsage().getUsed();
            if (model.fastPathApplies(estimator.lastKind(), heapUsedNow, signals.oldUsedNow())) {
                return new Refusal(BindingLimit.HEAP_FAST_PATH, Math.max(heapUsedNow, heapNow), heapMax);
            }
        }
        if (heapNow + bytes >= critical * heapMax) {
            return new Refusal(BindingLimit.HEAP, heapNow, heapMax);
        }
        if (totalNow + bytes >= critical * budget) {
            return new Refusal(BindingLimit.BUDGET, totalNow, budget);
        }
        // The kernel's figure: new heap pages may be charged for the bytes, so they count in full, and so
        // do bytes landed since the figure was read (the file is read once per evaluation, and a flood
        // can commit and touch tens of MiB of heap in between).
        long kernelNow = kernelInUse(u, held);
        if (kernelNow >= 0 && kernelNow + bytes >= critical * u.kernelLimit()) {
            return new Refusal(processRssBinds ? BindingLimit.PROCESS : BindingLimit.CONTAINER, kernelNow,
                    u.kernelLimit());
        }
        return null;
    }

    /** The kernel's figure as of the last reading plus what was landed and is held since; -1 if none. */
    private long kernelInUse(Usage u, long held) {
        if (u.kernelLimit() <= 0 || u.kernelCharge() < 0) {
            return -1;
        }
        return u.kernelCharge() + Math.max(0, landed.total() - u.landedTotal()) + held;
    }

    private double ratioWith(long held) {
        Usage u = lastUsage;
        long heapNow = model.heapInUse(u, landed.total(), held);
        double ratio = model.ratio(heapNow, model.totalInUse(u, heapNow));
        long kernelNow = kernelInUse(u, held);
        return kernelNow < 0 ? ratio : Math.max(ratio, (double) kernelNow / u.kernelLimit());
    }

    private final class HeldReservation implements Reservation {
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        HeldReservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void release() {
            release(bytes);
        }

        @Override
        public void release(long allocatedBytes) {
            if (released.compareAndSet(false, true)) {
                // The caller has made its allocation; it stays counted until a collection sees it.
                landed.add(Math.max(0, Math.min(bytes, allocatedBytes)));
                reserved.addAndGet(-bytes);
            }
        }
    }

    // ---- Measuring and evaluating ------------------------------------------------------------

    private void onCollection(JmxSignals.Collection c) {
        // What had landed when the collection ended is in its after-GC figure (or was garbage).
        // Until the clock is calibrated, keep the previous mark: bytes landed since then count as
        // outside the figure, an over-count rather than bytes counted nowhere.
        long arrival = clock.nanoTime();
        long endNanos = gcClock.endNanos(c.endUptimeMillis(), arrival);
        long mark = endNanos == GcClock.UNKNOWN ? estimator.landedMark()
                : landed.totalAsOf(endNanos, estimator.landedMark());
        estimator.onCollection(c.kind(), c.heapAfter(), c.oldAfter(), mark, arrival);
        if (c.kind() != LiveSetEstimator.Kind.STOP_THE_WORLD) {
            burst.concurrent();
        } else if (c.major()) {
            burst.major(c.heapAfter());
        } else {
            burst.minor(c.heapAfter(), arrival);
        }
        lastCollectionNanos = clock.nanoTime();
        if (c.major()) {
            lastMajorCollectionNanos = lastCollectionNanos;
        }
        lastReportMajor = c.major();
        requestEvaluation();
    }

    private void requestEvaluation() {
        if (closed.get() || !evaluationQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            monitor.execute(this::evaluateSafely);
        } catch (RejectedExecutionException e) {
            evaluationQueued.set(false);
        }
    }

    private void tick() {
        try {
            evaluateSafely();
        } finally {
            scheduleTick();
        }
    }

    private void scheduleTick() {
        if (closed.get()) {
            return;
        }
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = monitor.schedule(this::tick, config.samplerInterval(level).toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        } catch (OutOfMemoryError e) {
            // The next evaluation (a GC report comes soon when memory is this short) reschedules.
            nextTick = null;
        }
    }

    /**
     * Never lets a failure end the monitor: an OutOfMemoryError in particular is exactly when the
     * next evaluation matters most, and a task that throws is dropped by its executor for good.
     */
    private void evaluateSafely() {
        evaluationQueued.set(false);
        try {
            evaluate();
            if (nextTick == null && !closed.get()) {
                // A reschedule failed for lack of memory; this evaluation restarts the sampler.
                scheduleTick();
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            try {
                LOG.warn("{}: evaluation failed; the next sample will retry", name, e);
            } catch (Throwable ignored) {
                // Logging can fail for the same reason; the retry matters more than the message.
            }
        }
    }

    private void evaluate() {
        // lastUsage is set once start() has finished constructing; a GC report can arrive earlier.
        if (closed.get() || lastUsage == null) {
            return;
        }
        boolean afterMajor = lastReportMajor;
        if (afterMajor) {
            confirmation.majorCollection(clock.nanoTime());
        }
        Usage u = measure(true);
        lastUsage = u;
        long now = clock.nanoTime();
        PressureLevel previous = level;
        double ratio = u.ratio();
        PressureLevel rising = machine.levelEnteredAt(ratio);
        boolean verifyAfter = false;
        if (rising.ordinal() > previous.ordinal()) {
            boolean unconfirmed = needsConfirmation(u, previous, afterMajor);
            // A burst from an exact reading is acted on at once and verified by a collection afterwards.
            boolean asBurst = unconfirmed && burst.explains(u.live(), now);
            RiseConfirmation.Verdict verdict = confirmation.judge(rising, unconfirmed && !asBurst, ratio, now);
            verifyAfter = asBurst && verdict == RiseConfirmation.Verdict.ACCEPT;
            if (verdict != RiseConfirmation.Verdict.ACCEPT) {
                // Hold: feed the state machine a ratio just inside the current level's band.
                ratio = Math.min(ratio, Math.nextDown(config.threshold(PressureLevel.ofSeverity(previous.ordinal() + 1))));
                if (verdict == RiseConfirmation.Verdict.HOLD_AND_COLLECT) {
                    GcRequestResult started = requestConfirmingGc();
                    if (started != GcRequestResult.STARTED) {
                        confirmation.notStarted();
                    }
                    if (started == GcRequestResult.RATE_LIMITED) {
                        // Ask again once the spacing has passed, not at the next sample (up to 1 s away).
                        retryConfirmationLater();
                    }
                }
            }
        }
        PressureLevel next = machine.update(ratio, now);
        if (next != previous) {
            level = next;
            if (next.ordinal() > previous.ordinal() || next == PressureLevel.NONE) {
                confirmation.reset();
            }
            dispatcher.publish(previous, next, snapshot(u, next));
            // Sample at the new level's pace from now on rather than after the old, longer wait.
            scheduleTick();
            if (verifyAfter && next.ordinal() > previous.ordinal()) {
                // A refuted burst falls back after the usual dwell.
                requestConfirmingGc();
            }
        }
        if (next != PressureLevel.CRITICAL) {
            // Bytes of old-generation growth that would carry the heap ratio into the next level.
            double nextThreshold = config.threshold(PressureLevel.ofSeverity(next.ordinal() + 1));
            signals.retargetOldUsageThreshold((long) (nextThreshold * heapMax) - (u.live() + u.reserved()));
        }
        if (shrinker != null) {
            boolean kernelBinds = u.binding() == BindingLimit.CONTAINER || u.binding() == BindingLimit.PROCESS;
            if (shrinker.update(next, kernelBinds, u.live())) {
                requestGc();
            }
        }
        switch (autoGc.decide(previous, next, now, estimator.seenCollection(), lastCollectionNanos,
                lastMajorCollectionNanos)) {
            case COLLECT -> requestGc();
            case SETTLE -> {
                if (requestGc() == GcRequestResult.STARTED) {
                    autoGc.settleStarted();
                }
            }
            case NOTHING -> {
            }
        }
    }

    private void retryConfirmationLater() {
        try {
            monitor.schedule(this::requestEvaluation, config.minSamplerInterval().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    /**
     * Whether a rise needs a confirming collection: the live-set estimate drives it (heap or budget
     * binds), it was read from a minor collection, the application's declared bytes (reservations and
     * what they landed) do not explain it, and System.gc() can answer.
     */
    private boolean needsConfirmation(Usage u, PressureLevel current, boolean afterMajor) {
        if (afterMajor || !gcGate.effective() || !estimator.seenCollection()) {
            return false;
        }
        if (u.binding() != BindingLimit.HEAP && u.binding() != BindingLimit.BUDGET) {
            return false;
        }
        long undeclaredLive = Math.max(0, u.live() - u.landedCounted());
        double undeclared = Math.max((double) (undeclaredLive + u.direct() + u.offHeap()) / budget,
                (double) undeclaredLive / heapMax);
        return machine.levelEnteredAt(undeclared).ordinal() > current.ordinal();
    }

    /**
     * Takes one reading of every signal; safe on any thread. {@code withKernel}: also read the kernel's
     * figure (files; the monitor thread only), else keep the last evaluation's.
     */
    Usage measure() {
        return measure(false);
    }

    private Usage measure(boolean withKernel) {
        MemoryUsage heap = signals.heapUsage();
        long oldNow = signals.oldUsedNow();
        LiveSetEstimator.Reading reading = estimator.read(oldNow, clock.nanoTime());
        long offHeap = 0;
        for (ConsumerEntry c : consumers) {
            if (c.residence() == Residence.OFF_HEAP) {
                offHeap += Math.max(0, readConsumer(c));
            }
        }
        long charge;
        long limit;
        Usage last = lastUsage;
        if (withKernel || last == null) {
            synchronized (kernel) {
                kernel.sample();
                charge = kernel.chargeBytes();
                limit = kernel.inLimitedGroup() ? kernel.limitBytes() : processRssBinds ? budget : -1;
            }
        } else {
            charge = last.kernelCharge();
            limit = last.kernelLimit();
        }
        BindingLimit kernelBinding = kernel.inLimitedGroup() ? BindingLimit.CONTAINER
                : processRssBinds ? BindingLimit.PROCESS : null;
        return model.compute(new UsageModel.Inputs(heap.getUsed(), heap.getCommitted(), reading, landed.total(),
                signals.directBytes(), signals.mappedBytes(), reserved.get(), offHeap, oldNow, charge, limit,
                kernelBinding));
    }

    private long readConsumer(ConsumerEntry c) {
        try {
            return c.bytes().getAsLong();
        } catch (RuntimeException e) {
            LOG.debug("{}: consumer {} failed to report its size", name, c.name(), e);
            return 0;
        }
    }

    private MemoryStats snapshot(Usage u, PressureLevel atLevel) {
        Map<String, Long> byName = new HashMap<>();
        for (ConsumerEntry c : consumers) {
            byName.merge(c.name(), Math.max(0, readConsumer(c)), Long::sum);
        }
        return MemoryStats.builder()
                .timestampMillis(System.currentTimeMillis())
                .heap(u.heapUsed(), u.heapCommitted(), heapMax)
                .liveSetAfterGc(u.live())
                .collectors(signals.collectorStats())
                .directBufferBytes(u.direct())
                .mappedBufferBytes(u.mapped())
                .reservedBytes(u.reserved())
                .consumers(byName)
                .processRssBytes(OsMemory.processRssBytes())
                .container(containerLimit, OsMemory.containerUsageBytes())
                .budgetBytes(budget)
                .usedBytes(u.used())
                .level(atLevel)
                .maxDirectBytes(maxDirect)
                .usageRatio(u.ratio())
                .binding(u.binding(), u.bindingUsed(), u.bindingLimitBytes())
                .kernel(u.kernelCharge(), u.kernelLimit())
                .build();
    }
}
