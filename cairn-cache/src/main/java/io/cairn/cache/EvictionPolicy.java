package io.cairn.cache;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which entries a full cache gives up. See docs/CACHE.md for each policy and its source. */
public enum EvictionPolicy {
    /** Least recently used. */
    LRU("lru"),
    /** Least frequently used with dynamic aging (LFU-DA; GDSF when entries differ in weight). */
    LFU("lfu"),
    /** Adaptive Replacement Cache (Megiddo &amp; Modha, FAST'03), weighted. */
    ARC("arc"),
    /** Window TinyLFU with an adaptive window (Einziger, Friedman &amp; Manes). */
    W_TINY_LFU("wtinylfu"),
    /** SIEVE (Zhang et al., NSDI 2024): a FIFO queue swept by a hand that spares hit entries. */
    SIEVE("sieve"),
    /** S3-FIFO (Yang et al., SOSP 2023): small, main and ghost FIFO queues. */
    S3_FIFO("s3fifo"),
    /**
     * The default: W-TinyLFU, LRU, LFU-DA or S3-FIFO, whichever miniature simulations of the workload
     * (sampled shadow caches) show to be clearly ahead; it starts as W-TinyLFU.
     */
    ADAPTIVE("adaptive");

    private final String shortName;

    EvictionPolicy(String shortName) {
        this.shortName = shortName;
    }

    /** The name {@link #byName} accepts: lru, lfu, arc, wtinylfu, sieve, s3fifo, adaptive. */
    public String shortName() {
        return shortName;
    }

    /**
     * The policy named {@code name}: "lru", "lfu", "arc", "wtinylfu", "sieve", "s3fifo" or "adaptive", case-insensitive; dashes
     * and underscores are ignored ("W-TinyLFU" and "W_TINY_LFU" work too).
     *
     * @throws IllegalArgumentException naming the valid choices
     */
    public static EvictionPolicy byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("eviction policy name is null; expected one of " + choices());
        }
        String normalized = name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (EvictionPolicy p : values()) {
            if (p.shortName.equals(normalized)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown eviction policy '" + name + "'; expected one of " + choices());
    }

    private static String choices() {
        return Arrays.stream(values()).map(EvictionPolicy::shortName).collect(Collectors.joining(", "));
    }
}
