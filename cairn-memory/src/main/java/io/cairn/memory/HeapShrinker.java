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
 * <p><b>A ceiling in a tight container.</b> When the heap max leaves less than
 * {@link JvmMemoryGovernor#NATIVE_HEADROOM} of the container limit, the soft limit is held at the
 * limit less that headroom from the start (and restored to that, not to the JVM's value, at NONE):
 * a heap that may grow back to its max at any moment is what the kernel kills. Measured with ZGC and
 * {@code -Xmx256m} in a 320 MiB group under the upload flood, without the ceiling: the kernel killed the
 * server in 2 of 3 runs with a 5 s {@code ZUncommitDelay} and in 1 of 2 with the default 300 s, at
 * 305–320 MiB of anonymous + shared + kernel memory (docs/BENCHMARKS.md, "Governor v2 (issue 10): the
 * container matrix"). G1 ignores the flag.
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
    /** What the soft limit is at NONE: the JVM's own value, or the container's ceiling (-1: none). */
    private final long ceiling;
    private long current = -1;

    private HeapShrinker(HotSpotDiagnosticMXBean hotspot, long heapMax, String original, long ceiling) {
        this.hotspot = hotspot;
        this.heapMax = heapMax;
        this.original = original;
        this.ceiling = ceiling;
        if (ceiling > 0) {
            setBaseline();
        }
    }

    /** A shrinker for this JVM, or null if SoftMaxHeapSize cannot be read or written. */
    static HeapShrinker forThisJvm(long heapMax, long containerLimit) {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return null;
            }
            var option = hotspot.getVMOption("SoftMaxHeapSize");
            if (!option.isWriteable()) {
                return null;
            }
            long set = Long.parseLong(option.getValue());
            long c = ceiling(heapMax, containerLimit);
            return new HeapShrinker(hotspot, heapMax, option.getValue(), c > 0 && c < set ? c : -1);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The soft limit a container can hold, or -1 when the heap max fits: the limit less the native
     * headroom, never below the floor share of the heap max.
     */
    static long ceiling(long heapMax, long containerLimit) {
        if (containerLimit <= 0 || heapMax + JvmMemoryGovernor.NATIVE_HEADROOM <= containerLimit) {
            return -1;
        }
        return Math.max((long) (heapMax * FLOOR), containerLimit - JvmMemoryGovernor.NATIVE_HEADROOM);
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
        long now = current >= 0 ? current : ceiling;
        if (now >= 0 && want > now - (1L << 20)) {
            return false;
        }
        return set(want);
    }

    /** Back to the value for level NONE: the container's ceiling if there is one, else the JVM's. */
    void restore() {
        if (current >= 0) {
            if (ceiling > 0) {
                setBaseline();
            } else {
                setOriginal();
            }
            current = -1;
        }
    }

    /** The governor is closing: the JVM's own value, ceiling or not. */
    void close() {
        if (current >= 0 || ceiling > 0) {
            setOriginal();
            current = -1;
        }
    }

    private void setOriginal() {
        try {
            hotspot.setVMOption("SoftMaxHeapSize", original);
            LOG.info("SoftMaxHeapSize restored to {}", original);
        } catch (RuntimeException e) {
            LOG.debug("could not restore SoftMaxHeapSize", e);
        }
    }

    private void setBaseline() {
        try {
            hotspot.setVMOption("SoftMaxHeapSize", Long.toString(ceiling));
            LOG.info("the heap max leaves less than {} MiB of the container limit: SoftMaxHeapSize held at {} MiB",
                    JvmMemoryGovernor.NATIVE_HEADROOM >> 20, ceiling >> 20);
        } catch (RuntimeException e) {
            LOG.debug("could not set SoftMaxHeapSize", e);
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
