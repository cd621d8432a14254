package io.cairn.cache;

import io.cairn.memory.PressureLevel;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a governed cache reacts to each {@link PressureLevel}. Immutable; made by {@link #builder()}
 * or taken as {@link #defaults()}.
 *
 * <p>Defaults (aggressiveness 1.0):
 * <table>
 *   <caption>reactions per level</caption>
 *   <tr><th>level</th><th>bound kept</th><th>admits</th><th>write-behind becomes write-through</th></tr>
 *   <tr><td>NONE, LOW</td><td>100 %</td><td>yes</td><td>no</td></tr>
 *   <tr><td>MEDIUM</td><td>75 %</td><td>yes</td><td>no</td></tr>
 *   <tr><td>HIGH</td><td>25 %</td><td>no</td><td>yes</td></tr>
 *   <tr><td>CRITICAL</td><td>0 % (emptied)</td><td>no</td><td>yes</td></tr>
 * </table>
 *
 * <p>The aggressiveness knob scales every cut: a level that keeps fraction {@code f} keeps
 * {@code 1 - (1 - f) * aggressiveness}, clamped to [0, 1]. So 0.5 halves each cut (MEDIUM keeps
 * 87.5 %), 2.0 doubles it (MEDIUM keeps 50 %, HIGH empties), 0 disables trimming altogether.
 *
 * <p>When pressure rises the bound drops at once (evicting with cause
 * {@link RemovalCause#PRESSURE}). When it falls, the bound climbs back by {@link #restoreStep()}
 * of the maximum at a time, one step immediately and one more per {@link #restoreInterval()}
 * (taken during the cache's maintenance: writes and {@link Cache#cleanUp()}), so a cache that just
 * relieved the pressure does not refill at once and cause it again.
 */
public final class GovernanceConfig {

    /**
     * What one level does.
     *
     * @param retainFraction    fraction of the maximum the bound is cut to, in [0, 1]
     * @param admit             whether new entries are retained at this level
     * @param forceWriteThrough whether write-behind writes synchronously at this level
     */
    public record LevelAction(double retainFraction, boolean admit, boolean forceWriteThrough) {
        public LevelAction {
            if (!(retainFraction >= 0.0 && retainFraction <= 1.0)) {
                throw new IllegalArgumentException("retainFraction must be in [0, 1], got " + retainFraction);
            }
        }
    }

    private static final GovernanceConfig DEFAULTS = builder().build();

    private final Map<PressureLevel, LevelAction> actions;
    private final double aggressiveness;
    private final double restoreStep;
    private final Duration restoreInterval;

    private GovernanceConfig(Builder b) {
        this.actions = Map.copyOf(b.actions);
        this.aggressiveness = b.aggressiveness;
        this.restoreStep = b.restoreStep;
        this.restoreInterval = b.restoreInterval;
    }

    public static GovernanceConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The action configured for {@code level}, before aggressiveness is applied. */
    public LevelAction action(PressureLevel level) {
        return actions.get(level);
    }

    /** The fraction of the maximum kept at {@code level}, aggressiveness applied. */
    public double effectiveRetainFraction(PressureLevel level) {
        double cut = (1.0 - actions.get(level).retainFraction()) * aggressiveness;
        return Math.clamp(1.0 - cut, 0.0, 1.0);
    }

    public double aggressiveness() {
        return aggressiveness;
    }

    public double restoreStep() {
        return restoreStep;
    }

    public Duration restoreInterval() {
        return restoreInterval;
    }

    @Override
    public String toString() {
        return "GovernanceConfig[actions=" + actions + ", aggressiveness=" + aggressiveness
                + ", restoreStep=" + restoreStep + ", restoreInterval=" + restoreInterval + "]";
    }

    /** Starts from the defaults; every setting may be overridden. */
    public static final class Builder {
        private final EnumMap<PressureLevel, LevelAction> actions = new EnumMap<>(PressureLevel.class);
        private double aggressiveness = 1.0;
        private double restoreStep = 0.25;
        private Duration restoreInterval = Duration.ofSeconds(1);

        private Builder() {
            actions.put(PressureLevel.NONE, new LevelAction(1.0, true, false));
            actions.put(PressureLevel.LOW, new LevelAction(1.0, true, false));
            actions.put(PressureLevel.MEDIUM, new LevelAction(0.75, true, false));
            actions.put(PressureLevel.HIGH, new LevelAction(0.25, false, true));
            actions.put(PressureLevel.CRITICAL, new LevelAction(0.0, false, true));
        }

        /** Replaces the whole action of one level. */
        public Builder onLevel(PressureLevel level, LevelAction action) {
            actions.put(Objects.requireNonNull(level, "level"), Objects.requireNonNull(action, "action"));
            return this;
        }

        /** Sets the fraction of the maximum kept at {@code level}, in [0, 1]. */
        public Builder retainFraction(PressureLevel level, double fraction) {
            LevelAction a = actions.get(Objects.requireNonNull(level, "level"));
            return onLevel(level, new LevelAction(fraction, a.admit(), a.forceWriteThrough()));
        }

        public Builder admit(PressureLevel level, boolean admit) {
            LevelAction a = actions.get(Objects.requireNonNull(level, "level"));
            return onLevel(level, new LevelAction(a.retainFraction(), admit, a.forceWriteThrough()));
        }

        public Builder forceWriteThrough(PressureLevel level, boolean writeThrough) {
            LevelAction a = actions.get(Objects.requireNonNull(level, "level"));
            return onLevel(level, new LevelAction(a.retainFraction(), a.admit(), writeThrough));
        }

        /** Scales every cut; 1.0 is the default, 0 disables trimming. Must be finite and in [0, 10]. */
        public Builder aggressiveness(double aggressiveness) {
            if (!(aggressiveness >= 0.0 && aggressiveness <= 10.0)) {
                throw new IllegalArgumentException("aggressiveness must be in [0, 10], got " + aggressiveness);
            }
            this.aggressiveness = aggressiveness;
            return this;
        }

        /** Fraction of the maximum regained per restore step, in (0, 1]. */
        public Builder restoreStep(double step) {
            if (!(step > 0.0 && step <= 1.0)) {
                throw new IllegalArgumentException("restoreStep must be in (0, 1], got " + step);
            }
            this.restoreStep = step;
            return this;
        }

        /** Time between restore steps; zero restores all steps at the next maintenance. */
        public Builder restoreInterval(Duration interval) {
            Objects.requireNonNull(interval, "restoreInterval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("restoreInterval must not be negative, got " + interval);
            }
            this.restoreInterval = interval;
            return this;
        }

        public GovernanceConfig build() {
            return new GovernanceConfig(this);
        }
    }
}
