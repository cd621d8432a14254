package io.cairn.memory;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link JvmMemoryGovernor} can be tuned with, validated once when built. Every
 * setting has a default; {@code GovernorConfig.defaults()} is what most processes want.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>maxMemoryBytes</td><td>derived</td><td>the budget; 0 means derive it: heap max + max
 *       direct memory, capped by the container limit when one is set</td></tr>
 *   <tr><td>thresholds</td><td>0.60 / 0.75 / 0.85 / 0.95</td><td>usage ratios at which LOW, MEDIUM,
 *       HIGH, CRITICAL begin; strictly increasing, each in (0, 1]</td></tr>
 *   <tr><td>hysteresis</td><td>0.05</td><td>a level is left only when usage is this far below its
 *       threshold</td></tr>
 *   <tr><td>minDwell</td><td>1 s</td><td>a level is held at least this long before it may
 *       fall</td></tr>
 *   <tr><td>samplerInterval</td><td>1 s</td><td>safety-net sampling period at NONE; halved for
 *       each level above</td></tr>
 *   <tr><td>minSamplerInterval</td><td>100 ms</td><td>floor of the halving</td></tr>
 *   <tr><td>gcMinInterval</td><td>5 s</td><td>at most one requested GC per this period</td></tr>
 *   <tr><td>autoGcLevel</td><td>MEDIUM</td><td>at or above this level the governor requests a GC
 *       itself (rate-limited); null turns that off</td></tr>
 *   <tr><td>listenerTimeout</td><td>250 ms</td><td>a listener call running longer is left behind
 *       on its own thread so the others are not held up</td></tr>
 *   <tr><td>heapFastPathRatio</td><td>0.97</td><td>instantaneous heap use at or above this share of
 *       the heap max counts as CRITICAL under stop-the-world collectors</td></tr>
 * </table>
 */
public final class GovernorConfig {

    private final long maxMemoryBytes;
    private final double[] thresholds;
    private final double hysteresis;
    private final Duration minDwell;
    private final Duration samplerInterval;
    private final Duration minSamplerInterval;
    private final Duration gcMinInterval;
    private final PressureLevel autoGcLevel;
    private final Duration listenerTimeout;
    private final double heapFastPathRatio;
    private final NanoClock clock;

    private GovernorConfig(Builder b) {
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.thresholds = b.thresholds.clone();
        this.hysteresis = b.hysteresis;
        this.minDwell = b.minDwell;
        this.samplerInterval = b.samplerInterval;
        this.minSamplerInterval = b.minSamplerInterval;
        this.gcMinInterval = b.gcMinInterval;
        this.autoGcLevel = b.autoGcLevel;
        this.listenerTimeout = b.listenerTimeout;
        this.heapFastPathRatio = b.heapFastPathRatio;
        this.clock = b.clock;
    }

    public static GovernorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configured budget in bytes, or 0 when it is to be derived from the JVM and container. */
    public long maxMemoryBytes() { return maxMemoryBytes; }

    /** The ratio at which {@code level} begins; 0 for NONE. */
    public double threshold(PressureLevel level) {
        return level == PressureLevel.NONE ? 0.0 : thresholds[level.ordinal() - 1];
    }

    public double hysteresis() { return hysteresis; }
    public Duration minDwell() { return minDwell; }
    public Duration samplerInterval() { return samplerInterval; }
    public Duration minSamplerInterval() { return minSamplerInterval; }
    public Duration gcMinInterval() { return gcMinInterval; }
    /** The level at or above which the governor requests GCs itself, or null if it never does. */
    public PressureLevel autoGcLevel() { return autoGcLevel; }
    public Duration listenerTimeout() { return listenerTimeout; }
    public double heapFastPathRatio() { return heapFastPathRatio; }
    /** The governor's time source; {@link NanoClock#SYSTEM} unless a test injects another. */
    public NanoClock clock() { return clock; }

    /** The sampling period at {@code level}: the base interval halved per level, never below the floor. */
    public Duration samplerInterval(PressureLevel level) {
        long nanos = samplerInterval.toNanos() >> level.ordinal();
        return Duration.ofNanos(Math.max(nanos, minSamplerInterval.toNanos()));
    }

    @Override
    public String toString() {
        return "GovernorConfig{maxMemoryBytes=" + (maxMemoryBytes == 0 ? "derived" : maxMemoryBytes)
                + ", thresholds=" + thresholds[0] + "/" + thresholds[1] + "/" + thresholds[2] + "/" + thresholds[3]
                + ", hysteresis=" + hysteresis + ", minDwell=" + minDwell + ", samplerInterval=" + samplerInterval
                + ", minSamplerInterval=" + minSamplerInterval + ", gcMinInterval=" + gcMinInterval
                + ", autoGcLevel=" + autoGcLevel + ", listenerTimeout=" + listenerTimeout
                + ", heapFastPathRatio=" + heapFastPathRatio + "}";
    }

    /** Collects settings; {@link #build()} validates them all and names the first bad one. */
    public static final class Builder {
        private long maxMemoryBytes = 0;
        private double[] thresholds = {0.60, 0.75, 0.85, 0.95};
        private double hysteresis = 0.05;
        private Duration minDwell = Duration.ofSeconds(1);
        private Duration samplerInterval = Duration.ofSeconds(1);
        private Duration minSamplerInterval = Duration.ofMillis(100);
        private Duration gcMinInterval = Duration.ofSeconds(5);
        private PressureLevel autoGcLevel = PressureLevel.MEDIUM;
        private Duration listenerTimeout = Duration.ofMillis(250);
        private double heapFastPathRatio = 0.97;
        private NanoClock clock = NanoClock.SYSTEM;

        private Builder() {
        }

        /** The budget in bytes; 0 (the default) derives it. */
        public Builder maxMemoryBytes(long bytes) {
            this.maxMemoryBytes = bytes;
            return this;
        }

        /** Ratios of the budget at which LOW, MEDIUM, HIGH and CRITICAL begin. */
        public Builder thresholds(double low, double medium, double high, double critical) {
            this.thresholds = new double[] {low, medium, high, critical};
            return this;
        }

        public Builder hysteresis(double margin) {
            this.hysteresis = margin;
            return this;
        }

        public Builder minDwell(Duration minDwell) {
            this.minDwell = minDwell;
            return this;
        }

        public Builder samplerInterval(Duration interval) {
            this.samplerInterval = interval;
            return this;
        }

        public Builder minSamplerInterval(Duration interval) {
            this.minSamplerInterval = interval;
            return this;
        }

        public Builder gcMinInterval(Duration interval) {
            this.gcMinInterval = interval;
            return this;
        }

        /** The level at or above which the governor requests GCs itself; null disables it. */
        public Builder autoGcLevel(PressureLevel level) {
            this.autoGcLevel = level;
            return this;
        }

        public Builder listenerTimeout(Duration timeout) {
            this.listenerTimeout = timeout;
            return this;
        }

        public Builder heapFastPathRatio(double ratio) {
            this.heapFastPathRatio = ratio;
            return this;
        }

        /** The time source for dwell times, rate limits and settling (default {@link NanoClock#SYSTEM}). */
        public Builder clock(NanoClock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first setting that is out of range
         */
        public GovernorConfig build() {
            if (maxMemoryBytes < 0) {
                throw new IllegalArgumentException("maxMemoryBytes must be 0 (derive) or positive, got " + maxMemoryBytes);
            }
            String[] names = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
            for (int i = 0; i < thresholds.length; i++) {
                double t = thresholds[i];
                if (!(t > 0.0 && t <= 1.0)) {
                    throw new IllegalArgumentException(
                            names[i] + " threshold must be in (0, 1], got " + t);
                }
                if (i > 0 && !(t > thresholds[i - 1])) {
                    throw new IllegalArgumentException(names[i] + " threshold " + t
                            + " must be greater than the " + names[i - 1] + " threshold " + thresholds[i - 1]
                            + " (thresholds must be strictly increasing)");
                }
            }
            // The margin must leave NONE reachable: leaving LOW needs usage below LOW - margin.
            if (!(hysteresis >= 0.0 && hysteresis < thresholds[0])) {
                throw new IllegalArgumentException("hysteresis must be in [0, LOW threshold " + thresholds[0]
                        + "), got " + hysteresis);
            }
            requireNonNegative("minDwell", minDwell);
            requirePositive("samplerInterval", samplerInterval);
            requirePositive("minSamplerInterval", minSamplerInterval);
            if (minSamplerInterval.compareTo(samplerInterval) > 0) {
                throw new IllegalArgumentException("minSamplerInterval " + minSamplerInterval
                        + " must not exceed samplerInterval " + samplerInterval);
            }
            requireNonNegative("gcMinInterval", gcMinInterval);
            requirePositive("listenerTimeout", listenerTimeout);
            if (autoGcLevel == PressureLevel.NONE) {
                throw new IllegalArgumentException("autoGcLevel must be LOW or above, or null to disable, got NONE");
            }
            if (!(heapFastPathRatio > 0.0 && heapFastPathRatio <= 1.0)) {
                throw new IllegalArgumentException("heapFastPathRatio must be in (0, 1], got " + heapFastPathRatio);
            }
            Objects.requireNonNull(clock, "clock must not be null");
            return new GovernorConfig(this);
        }

        private static void requirePositive(String name, Duration d) {
            Objects.requireNonNull(d, name + " must not be null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
        }

        private static void requireNonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name + " must not be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + d);
            }
        }
    }
}
