package io.cairn.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a {@code byte[]} really costs the heap, for callers that reserve memory before allocating.
 *
 * <p>Under G1 an array of half a region or more is "humongous": it gets whole regions to itself,
 * and whatever is left of its last region stays empty until the array dies. With the 1 MiB regions
 * G1 uses for heaps up to 2 GiB, a 1 MiB block (1 MiB plus the array header) takes two regions:
 * twice its length. The heap-usage figures the JVM reports do not show that waste, so a reservation
 * of the array's length alone lets a flood of large uploads fill the heap while the accounting says
 * it is half full. {@link #ofByteArray} rounds humongous arrays up to whole regions; other
 * collectors and small arrays cost their length plus the header.
 */
public final class HeapFootprint {
    private static final long ARRAY_HEADER = 16;
    private static final long G1_REGION = g1RegionBytes();

    private HeapFootprint() {
    }

    /** Heap bytes a {@code byte[]} of {@code length} occupies while it lives. */
    public static long ofByteArray(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must not be negative, got " + length);
        }
        long bytes = (ARRAY_HEADER + length + 7) & ~7L;
        if (G1_REGION > 0 && bytes >= G1_REGION / 2) {
            return (bytes + G1_REGION - 1) / G1_REGION * G1_REGION;
        }
        return bytes;
    }

    /** The G1 region size in bytes, or 0 when the JVM does not run G1. */
    public static long g1RegionBytes() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null || !Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException e) {
            return 0; // not HotSpot, or the option is gone: fall back to plain lengths
        }
    }
}
