package io.cairn.memory;

/**
 * The limit a usage ratio is measured against: the one that binds is the one whose ratio is largest,
 * and the level comes from it. A refusal names it, with the figures behind it.
 */
public enum BindingLimit {
    /** Everything the governor counts (live heap, direct, reservations, off-heap consumers) against the budget. */
    BUDGET("budget"),
    /** Heap-resident bytes (live set and reservations) against the heap max (-Xmx). */
    HEAP("heap"),
    /** Direct buffers against -XX:MaxDirectMemorySize. */
    DIRECT("direct"),
    /**
     * Native bytes (direct buffers, off-heap consumers) against what is left for them outside the heap:
     * the budget, or the container limit less the native headroom, minus the heap max.
     */
    NATIVE("native"),
    /**
     * The kernel's own figure: the memory cgroup's anonymous and kernel memory ({@code memory.stat},
     * page cache left out) against the group's limit. What the OOM killer acts on.
     */
    CONTAINER("container"),
    /** Outside a memory cgroup: the process's anonymous RSS against the budget. */
    PROCESS("process"),
    /** Instantaneous heap use at the fast-path ratio under a stop-the-world collector, old generation full. */
    HEAP_FAST_PATH("heap-fast-path"),
    /** Set by hand ({@link ManualMemoryGovernor}). */
    MANUAL("manual");

    private final String label;

    BindingLimit(String label) {
        this.label = label;
    }

    /** The lower-case name used in messages, logs and JSON. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
