package io.cairn.memory;

/**
 * Told of every change of the governor's pressure level. Calls come in order on the governor's own
 * notification thread, and one listener is never called twice at once; a listener that is slow or
 * throws does not stall the monitor or the other listeners. (A call that outlives the listener
 * timeout keeps its thread and the others carry on on a fresh one; see docs/MEMORY_MANAGEMENT.md.)
 * Keep calls short: trim a cache, flip a flag, schedule work elsewhere.
 */
@FunctionalInterface
public interface PressureListener {
    void onPressureChange(PressureLevel previous, PressureLevel current, MemoryStats stats);
}
