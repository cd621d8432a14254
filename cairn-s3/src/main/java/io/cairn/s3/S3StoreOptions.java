package io.cairn.s3;

import io.cairn.blockstore.BlockSizeLimit;
import io.cairn.memory.MemoryGovernor;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link S3Blockstore} behaves (where it connects is {@link S3Settings}). Built with
 * {@link #builder()}; every value is checked here.
 */
public final class S3StoreOptions {
    /** Absences of blocks are remembered at most this long: another node may write the block any time. */
    public static final Duration MAX_NEGATIVE_TTL = Duration.ofSeconds(5);

    private final BlockSizeLimit blockSizeLimit;
    private final Duration negativeTtl;
    private final int knownKeys;
    private final Duration breakerOpenWait;
    private final int breakerWindow;
    private final int breakerMinimumCalls;
    private final float breakerFailureRate;
    private final Duration probeInterval;
    private final MemoryGovernor governor;
    private final S3DiskCache diskCache;
    private final Clock clock;

    private S3StoreOptions(Builder b) {
        this.blockSizeLimit = b.blockSizeLimit;
        this.negativeTtl = b.negativeTtl;
        this.knownKeys = b.knownKeys;
        this.breakerOpenWait = b.breakerOpenWait;
        this.breakerWindow = b.breakerWindow;
        this.breakerMinimumCalls = b.breakerMinimumCalls;
        this.breakerFailureRate = b.breakerFailureRate;
        this.probeInterval = b.probeInterval;
        this.governor = b.governor;
        this.diskCache = b.diskCache;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static S3StoreOptions defaults() {
        return builder().build();
    }

    public BlockSizeLimit blockSizeLimit() { return blockSizeLimit; }
    public Duration negativeTtl() { return negativeTtl; }
    public int knownKeys() { return knownKeys; }
    public Duration breakerOpenWait() { return breakerOpenWait; }
    public int breakerWindow() { return breakerWindow; }
    public int breakerMinimumCalls() { return breakerMinimumCalls; }
    public float breakerFailureRate() { return breakerFailureRate; }
    public Duration probeInterval() { return probeInterval; }
    /** The governor transfer buffers are reserved with, or {@code null}. */
    public MemoryGovernor governor() { return governor; }
    /** The local disk cache, or {@code null}. The store closes it. */
    public S3DiskCache diskCache() { return diskCache; }
    public Clock clock() { return clock; }

    public static final class Builder {
        private BlockSizeLimit blockSizeLimit = BlockSizeLimit.DEFAULT;
        private Duration negativeTtl = Duration.ofSeconds(2);
        private int knownKeys = 262_144;
        private Duration breakerOpenWait = Duration.ofSeconds(5);
        private int breakerWindow = 20;
        private int breakerMinimumCalls = 5;
        private float breakerFailureRate = 50;
        private Duration probeInterval = Duration.ofSeconds(1);
        private MemoryGovernor governor;
        private S3DiskCache diskCache;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder blockSizeLimit(BlockSizeLimit limit) {
            this.blockSizeLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** How long "absent" answers are remembered: 0 (never) up to {@link #MAX_NEGATIVE_TTL}; default 2 s. */
        public Builder negativeTtl(Duration ttl) {
            if (ttl.isNegative() || ttl.compareTo(MAX_NEGATIVE_TTL) > 0) {
                throw new IllegalArgumentException("negative answers may be cached for 0 to 5 s, got " + ttl);
            }
            this.negativeTtl = ttl;
            return this;
        }

        /** Entries in the has/size table (0 disables it); default 262,144 (about 40 MiB at most). */
        public Builder knownKeys(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("knownKeys must be >= 0, got " + entries);
            }
            this.knownKeys = entries;
            return this;
        }

        /**
         * The circuit breaker: it opens when at least {@code failureRatePercent} of the last {@code window}
         * calls (and at least {@code minimumCalls}) failed for reasons on S3's side (timeouts, connection
         * errors, 5xx, throttling past the retries), refuses calls for {@code openWait}, then lets probes
         * through and closes once they succeed.
         */
        public Builder breaker(Duration openWait, int window, int minimumCalls, float failureRatePercent) {
            if (openWait.isNegative() || openWait.isZero() || window < 1 || minimumCalls < 1
                    || !(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("invalid breaker settings: wait " + openWait + ", window " + window
                        + ", minimum calls " + minimumCalls + ", failure rate " + failureRatePercent + " %");
            }
            this.breakerOpenWait = openWait;
            this.breakerWindow = window;
            this.breakerMinimumCalls = minimumCalls;
            this.breakerFailureRate = failureRatePercent;
            return this;
        }

        /** How often a background probe checks the bucket while the breaker is not closed; default 1 s. */
        public Builder probeInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("probeInterval must be positive, got " + interval);
            }
            this.probeInterval = interval;
            return this;
        }

        public Builder governor(MemoryGovernor governor) {
            this.governor = governor;
            return this;
        }

        public Builder diskCache(S3DiskCache cache) {
            this.diskCache = cache;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public S3StoreOptions build() {
            return new S3StoreOptions(this);
        }
    }
}
