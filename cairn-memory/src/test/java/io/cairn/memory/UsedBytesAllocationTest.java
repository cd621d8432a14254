package io.cairn.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: a refused write used to read {@code /proc/self/status} with {@code readAllLines} for its
 * figures, allocating at the moment memory is shortest. {@code usedBytes()} now answers from the last
 * evaluation and the governor's counters: it allocates nothing. Counted with the thread's allocated
 * bytes (exact, not a timing).
 */
class UsedBytesAllocationTest {
    @Test
    void usedBytesAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count a thread's allocations");
        threads.setThreadAllocatedMemoryEnabled(true);
        try (JvmMemoryGovernor governor = JvmMemoryGovernor.start(GovernorConfig.defaults())) {
            long sum = 0;
            for (int i = 0; i < 20_000; i++) { // warm up: interpreter frames may box, compiled code must not
                sum += governor.usedBytes();
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                sum += governor.usedBytes();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(sum > 0);
            // One object per call would be at least 1.6 MB. A few hundred bytes once (the JIT replacing the
            // loop mid-run) were seen; less than a byte per call rules out any per-call allocation.
            assertTrue(allocated < 100_000, "bytes allocated by 100,000 usedBytes() calls: " + allocated);
        }
    }
}
