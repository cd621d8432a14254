package io.cairn.pin;

import java.util.Locale;

/** How a block is pinned, as Kubo names it. */
public enum PinType {
    /** The block and everything reachable from it through links. */
    RECURSIVE,
    /** The block alone. */
    DIRECT,
    /** Reachable from a recursive pin (not a pin of its own). */
    INDIRECT;

    /** Kubo's spelling: {@code recursive}, {@code direct}, {@code indirect}. */
    public String kuboName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
