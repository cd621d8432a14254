package io.cairn.memory;

/**
 * The governor's source of time, in nanoseconds on an arbitrary fixed origin, like
 * {@link System#nanoTime()}. Injectable ({@link GovernorConfig.Builder#clock}) so that dwell times,
 * rate limits and settling are tested without sleeping.
 */
@FunctionalInterface
public interface NanoClock {
    /** {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
