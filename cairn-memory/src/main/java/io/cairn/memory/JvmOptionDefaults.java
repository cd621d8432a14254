package io.cairn.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * JVM options Cairn adds when the user has not decided them, the same rule as the {@code ./cairn}
 * launcher's {@code jvm_defaults}, for code that starts a JVM itself (the benchmark harnesses).
 *
 * <p>ZGC keeps the heap it has committed for {@code -XX:ZUncommitDelay} (300 s by default), and in a
 * memory cgroup committed heap is charged to the group: after an upload flood a 192 or 256 MiB ZGC
 * heap held a 320 MiB group at 90 to 98 % of its limit, and the governor's level with it, for minutes.
 * With a 5 s delay both came back to level 0 within 0.6 to 3.2 s. The flag is not manageable, so it
 * can only be given at start; {@link #zgcUncommitWarning()} tells a running JVM that missed it.
 */
public final class JvmOptionDefaults {
    /** The delay Cairn starts ZGC with, in seconds. */
    public static final int ZGC_UNCOMMIT_DELAY_SECONDS = 5;

    private JvmOptionDefaults() {
    }

    /**
     * The options to add to {@code options} (the user's, in command-line order): a short
     * {@code ZUncommitDelay} when the last collector chosen is ZGC and no delay is given; else none.
     */
    public static List<String> forOptions(List<String> options) {
        boolean zgc = false;
        boolean delayGiven = false;
        for (String o : options) {
            if (o.equals("-XX:+UseZGC")) {
                zgc = true;
            } else if (o.equals("-XX:-UseZGC") || (o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
                zgc = false;
            }
            delayGiven |= o.contains("ZUncommitDelay");
        }
        return zgc && !delayGiven ? List.of("-XX:ZUncommitDelay=" + ZGC_UNCOMMIT_DELAY_SECONDS) : List.of();
    }

    /**
     * A warning when this JVM runs ZGC with the default uncommit delay inside a memory limit, or null.
     */
    static String zgcUncommitWarning(boolean zgc, boolean delayIsDefault, long containerLimit) {
        if (!zgc || !delayIsDefault || containerLimit <= 0) {
            return null;
        }
        return "ZGC keeps committed heap for -XX:ZUncommitDelay (300 s by default), and the container charges it:"
                + " after a burst the pressure level stays raised that long. Start the JVM with -XX:ZUncommitDelay="
                + ZGC_UNCOMMIT_DELAY_SECONDS + " (./cairn adds it when JAVA_OPTS selects ZGC)";
    }

    /** {@link #zgcUncommitWarning(boolean, boolean, long)} for this JVM. */
    static String zgcUncommitWarning(long containerLimit) {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) {
            return null;
        }
        try {
            boolean zgc = Boolean.parseBoolean(hotspot.getVMOption("UseZGC").getValue());
            boolean dflt = hotspot.getVMOption("ZUncommitDelay").getOrigin() == VMOption.Origin.DEFAULT;
            return zgcUncommitWarning(zgc, dflt, containerLimit);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
