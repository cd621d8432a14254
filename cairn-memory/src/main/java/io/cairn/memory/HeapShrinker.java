package io.cairn.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the heap to shrink when the kernel's figure binds: lowers JDK 25's manageable
 * {@code SoftMaxHeapSize} towards the live set while the container's charge is at MEDIUM or above, and
 * gives the original value back once the level is at NONE again.
 *
 * <p>Measured on Temurin 25 (2 cores, loaded; a 50 MB live set and 200 MB/s of short-lived garbage in a
 * 256 MiB heap, SoftMaxHeapSize lowered to 96 MiB): ZGC keeps heap use at 66–80 MB from the next cycle on
 * (it had swung between 96 and 220 MB) and, with a short {@code -XX:ZUncommitDelay}, gives committed
 * memory back (256 → 206 MB within seconds); G1 ignores the flag (used 126–167 MB, committed 224–234 MB
 * before and after), and a System.gc() did not make it uncommit under that load either. So under G1 the
 * lever is refusing writes early, not shrinking; the flag is set anyway, harmlessly, in case the JVM
 * honours it. See docs/MEMORY_MANAGEMENT.md, "Containers".
 *
 * <p>Driven by the monitor thread only.
 */
final class HeapShrinker {
    private static final Logger LOG = LoggerFactory.getLogger(HeapShrinker.class);
    /** Never ask for less than this share of the heap max. */
    static final double FLOOR = 0.25;
    /** Room above the live set the soft limit leaves for allocation between cycles. */
    static final double SLACK = 1.5;

    private final HotSpotDiagnosticMXBean hotspot;
    private final long heapMax;
    private final String original;
    private long current = -1;

    private HeapShrinker(HotSpotDiagnosticMXBean hotspot, long heapMax, String original) {
        this.hotspot = hotspot;
        this.heapMax = heapMax;
        this.original = original;
    }

    /** A shrinker for this JVM, or null if SoftMaxHeapSize cannot be read or written. */
    static HeapShrinker forThisJvm(long heapMax) {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return null;
            }
            var option = hotspot.getVMOption("SoftMaxHeapSize");
            return option.isWriteable() ? new HeapShrinker(hotspot, heapMax, option.getValue()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The soft limit to ask for with {@code liveBytes} live: live plus slack, at least the floor. */
    static long target(long liveBytes, long heapMax) {
        return Math.min(heapMax, Math.max((long) (heapMax * FLOOR), (long) (liveBytes * SLACK)));
    }

    /**
     * @param kernelBinds whether the kernel's figure (CONTAINER or PROCESS) is the binding limit
     * @return true when the soft limit was lowered by this call
     */
    boolean update(PressureLevel level, boolean kernelBinds, long liveBytes) {
        if (level == PressureLevel.NONE) {
            restore();
            return false;
        }
        if (!kernelBinds || !level.atLeast(PressureLevel.MEDIUM)) {
            return false;
        }
        long want = target(liveBytes, heapMax);
        // Only downwards, and only by a step worth a call into the VM.
        if (current >= 0 && want > current - (1L << 20)) {
            return false;
        }
        return set(want);
    }

    void restore() {
        if (current >= 0) {
            try {
                hotspot.setVMOption("SoftMaxHeapSize", original);
                LOG.info("SoftMaxHeapSize restored to {}", original);
            } catch (RuntimeException e) {
                LOG.debug("could not restore SoftMaxHeapSize", e);
            }
            current = -1;
        }
    }

    private boolean set(long bytes) {
        try {
            hotspot.setVMOption("SoftMaxHeapSize", Long.toString(bytes));
            current = bytes;
            LOG.info("container memory is short: SoftMaxHeapSize lowered to {} MiB", bytes >> 20);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("could not set SoftMaxHeapSize", e);
            return false;
        }
    }
}
