package io.cairn.memory;

/**
 * Told of every change of the governor's pressure level. Calls come in order on the governor's own
 * notification thread, never two at once; a listener that is slow or throws does not stall the
 * monitor or the other listeners.
 */
@FunctionalInterface
public interface PressureListener {
    void onPressureChange(PressureLevel previous, PressureLevel current, MemoryStats stats);
}
