package io.cairn.cache;

/** Invariant checks of the engine's bookkeeping (run by the test suite after every cache test). */
final class Invariants {
    private Invariants() {
    }

    static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalStateException("cache invariant broken: " + String.format(format, args));
        }
    }
}
