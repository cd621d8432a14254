package io.cairn.blockstore;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link MemoryAwareBlockstore}: the original specification's {@code MemoryAwareConfig}.
 * Immutable and validated when built; every setting has a default.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>maxMemoryBytes</td><td>0 (derive)</td><td>the governor's budget when the store starts its
 *       own governor ({@link MemoryAwareBlockstore#create}); 0 lets the governor derive it from the
 *       heap, direct-memory and container limits</td></tr>
 *   <tr><td>checkInterval</td><td>1 s</td><td>the governor's sampler interval at level 0 (it samples
 *       faster as pressure rises)</td></tr>
 *   <tr><td>disableCacheOnHigh</td><td>true</td><td>at HIGH (3) and above, caches stop admitting new
 *       blocks</td></tr>
 *   <tr><td>rejectWritesOnCritical</td><td>true</td><td>at CRITICAL (4), writes are refused with
 *       {@link io.cairn.memory.MemoryPressureException}</td></tr>
 *   <tr><td>cleanupAggressiveness</td><td>1.0</td><td>scales how far caches are trimmed at each level
 *       (0 never trims; 2 doubles every cut); see {@code GovernanceConfig}</td></tr>
 *   <tr><td>retryAfter</td><td>1 s</td><td>the back-off suggested to a refused writer</td></tr>
 *   <tr><td>caching</td><td>{@link CachingBlockstore.Options#defaults()}</td><td>the caches of the
 *       stack built by {@link MemoryAwareBlockstore#stack}</td></tr>
 * </table>
 */
public final class MemoryAwareConfig {
    private final long maxMemoryBytes;
    private final Duration checkInterval;
    private final boolean disableCacheOnHigh;
    private final boolean rejectWritesOnCritical;
    private final double cleanupAggressiveness;
    private final Duration retryAfter;
    private final CachingBlockstore.Options caching;

    private MemoryAwareConfig(Builder b) {
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.checkInterval = b.checkInterval;
        this.disableCacheOnHigh = b.disableCacheOnHigh;
        this.rejectWritesOnCritical = b.rejectWritesOnCritical;
        this.cleanupAggressiveness = b.cleanupAggressiveness;
        this.retryAfter = b.retryAfter;
        this.caching = b.caching;
    }

    public static MemoryAwareConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public long maxMemoryBytes() { return maxMemoryBytes; }
    public Duration checkInterval() { return checkInterval; }
    public boolean disableCacheOnHigh() { return disableCacheOnHigh; }
    public boolean rejectWritesOnCritical() { return rejectWritesOnCritical; }
    public double cleanupAggressiveness() { return cleanupAggressiveness; }
    public Duration retryAfter() { return retryAfter; }
    public CachingBlockstore.Options caching() { return caching; }

    @Override
    public String toString() {
        return "MemoryAwareConfig[maxMemoryBytes=" + maxMemoryBytes + ", checkInterval=" + checkInterval
                + ", disableCacheOnHigh=" + disableCacheOnHigh + ", rejectWritesOnCritical=" + rejectWritesOnCritical
                + ", cleanupAggressiveness=" + cleanupAggressiveness + ", retryAfter=" + retryAfter
                + ", caching=" + caching + "]";
    }

    public static final class Builder {
        private long maxMemoryBytes;
        private Duration checkInterval = Duration.ofSeconds(1);
        private boolean disableCacheOnHigh = true;
        private boolean rejectWritesOnCritical = true;
        private double cleanupAggressiveness = 1.0;
        private Duration retryAfter = Duration.ofSeconds(1);
        private CachingBlockstore.Options caching = CachingBlockstore.Options.defaults();

        private Builder() {
        }

        /** The budget in bytes, or 0 to let the governor derive it. */
        public Builder maxMemoryBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMemoryBytes must be 0 (derive) or positive, got " + bytes);
            }
            this.maxMemoryBytes = bytes;
            return this;
        }

        public Builder checkInterval(Duration interval) {
            Objects.requireNonNull(interval, "checkInterval");
            if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("checkInterval must be in (0, 1 min], got " + interval);
            }
            this.checkInterval = interval;
            return this;
        }

        public Builder disableCacheOnHigh(boolean disable) {
            this.disableCacheOnHigh = disable;
            return this;
        }

        public Builder rejectWritesOnCritical(boolean reject) {
            this.rejectWritesOnCritical = reject;
            return this;
        }

        public Builder cleanupAggressiveness(double aggressiveness) {
            if (!(aggressiveness >= 0.0 && aggressiveness <= 10.0)) {
                throw new IllegalArgumentException("cleanupAggressiveness must be in [0, 10], got " + aggressiveness);
            }
            this.cleanupAggressiveness = aggressiveness;
            return this;
        }

        public Builder retryAfter(Duration retryAfter) {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        public Builder caching(CachingBlockstore.Options caching) {
            this.caching = Objects.requireNonNull(caching, "caching");
            return this;
        }

        public MemoryAwareConfig build() {
            return new MemoryAwareConfig(this);
        }
    }
}
