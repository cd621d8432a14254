package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real, nested memory cgroup without a cgroup namespace: the test creates a group with a 300 MiB
 * limit, moves a child JVM into it before the child starts a governor, and checks that the governor
 * reports that limit and keeps its budget within it. Needs a process that may create memory cgroups
 * (root with a writable cgroupfs); otherwise the test is skipped with the reason.
 */
class RealCgroupLimitTest {
    private static final long LIMIT = 300L << 20;
    private static final long CHILD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Path V1_MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final Path V2_ROOT = Path.of("/sys/fs/cgroup");

    @Test
    void theGovernorSeesTheLimitOfTheGroupItWasMovedInto() throws Exception {
        Group group = Group.create(LIMIT);
        List<String> lines = new ArrayList<>();
        Path stderr = Files.createTempFile("cairn-cgroup-child", ".err");
        Process child = null;
        boolean removed;
        try {
            child = new ProcessBuilder(ChildJvm.javaBinary(), "-cp", System.getProperty("java.class.path"),
                    CgroupLimitChild.class.getName())
                    .redirectError(stderr.toFile())
                    .start();
            long deadline = System.nanoTime() + CHILD_TIMEOUT_NANOS;
            LinkedBlockingQueue<String> out = pump(child);

            String first = out.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(first).as("first line of the child; stderr: %s", Files.readString(stderr))
                    .isEqualTo("PID " + child.pid());
            group.addProcess(child.pid());
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            if (!child.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("child did not finish in 60 s; output so far: " + out);
            }
            // The pump ends at end of stream; what it has read by now is everything.
            while (true) {
                String line = out.poll(5, TimeUnit.SECONDS);
                if (line == null || line.equals(EOF)) {
                    break;
                }
                lines.add(line);
            }
            assertThat(child.exitValue()).as("exit code; output %s; stderr %s", lines, Files.readString(stderr))
                    .isZero();
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(stderr);
            removed = group.remove();
        }
        assertThat(removed).as("cgroup %s removed", group.dir).isTrue();

        // The child ran in the new group, so the limit could only come from there.
        assertThat(lines).as("child's /proc/self/cgroup").anyMatch(l -> l.startsWith("CGROUP ")
                && l.endsWith(":/" + group.dir.getFileName()) && (group.v1 ? l.contains(":memory:") : l.contains("::")));
        long limit = result(lines, "limit");
        long budget = result(lines, "budget");
        long heapMax = result(lines, "heapMax");
        long maxDirect = result(lines, "maxDirect");
        System.out.printf("RealCgroupLimitTest: cgroup %s limit %d; child saw limit %d, budget %d "
                + "(heap max %d + max direct %d), group usage %d%n", group.dir, group.limitReadBack, limit, budget,
                heapMax, maxDirect, result(lines, "usage"));
        assertThat(limit).isEqualTo(group.limitReadBack).isEqualTo(LIMIT);
        assertThat(budget).isLessThanOrEqualTo(limit).isEqualTo(Math.min(heapMax + maxDirect, limit));
        // The kernel's charge for the group: a running JVM's pages, and under the limit it enforces.
        assertThat(result(lines, "usage")).as("container usage in MemoryStats").isPositive().isLessThanOrEqualTo(limit);
        // A heap max that leaves less than the native headroom of the limit: the soft limit is held at
        // what the group can hold while the governor runs, and given back when it closes.
        long before = result(lines, "softMaxBefore");
        long ceiling = HeapShrinker.ceiling(heapMax, limit);
        long expected = ceiling > 0 && ceiling < before ? ceiling : before;
        assertThat(result(lines, "softMaxDuring")).as("SoftMaxHeapSize with the governor running").isEqualTo(expected);
        assertThat(result(lines, "softMaxAfter")).as("SoftMaxHeapSize after close").isEqualTo(before);
    }

    private static final String EOF = "\u0000EOF";

    /** Reads the child's stdout on a daemon thread, so that every wait on it can be bounded. */
    private static LinkedBlockingQueue<String> pump(Process child) {
        LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException e) {
                out.add("READ FAILED " + e);
            }
            out.add(EOF);
        }, "cgroup-child-stdout");
        t.setDaemon(true);
        t.start();
        return out;
    }

    private static long result(List<String> lines, String key) {
        String prefix = "RESULT " + key + " ";
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("child did not report " + key + ": " + lines));
    }

    /** A fresh memory cgroup directly below the hierarchy's mount point. */
    private static final class Group {
        final Path dir;
        final boolean v1;
        final long limitReadBack;

        private Group(Path dir, boolean v1, long limitReadBack) {
            this.dir = dir;
            this.v1 = v1;
            this.limitReadBack = limitReadBack;
        }

        /** Creates the group or aborts the test (reported as skipped) saying why it cannot. */
        static Group create(long limit) {
            String name = "cairn-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            boolean v1;
            Path parent;
            if (Files.isRegularFile(V1_MEMORY.resolve("memory.limit_in_bytes"))) {
                v1 = true;
                parent = V1_MEMORY;
            } else if (subtreeHasMemory()) {
                v1 = false;
                parent = V2_ROOT;
            } else {
                return abort("no memory cgroup controller: neither v1 at " + V1_MEMORY + " nor v2 enabled for children in "
                        + V2_ROOT.resolve("cgroup.subtree_control"));
            }
            Path dir = parent.resolve(name);
            try {
                Files.createDirectory(dir);
            } catch (IOException | RuntimeException e) {
                return abort("cannot create a memory cgroup at " + dir + ": " + e);
            }
            String limitFile = v1 ? "memory.limit_in_bytes" : "memory.max";
            try {
                Files.writeString(dir.resolve(limitFile), Long.toString(limit));
                long readBack = Long.parseLong(Files.readString(dir.resolve(limitFile)).trim());
                return new Group(dir, v1, readBack);
            } catch (IOException | RuntimeException e) {
                rmdir(dir);
                return abort("cannot set " + limitFile + " in " + dir + ": " + e);
            }
        }

        private static boolean subtreeHasMemory() {
            try {
                String controllers = Files.readString(V2_ROOT.resolve("cgroup.subtree_control"));
                return List.of(controllers.trim().split("\\s+")).contains("memory");
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        void addProcess(long pid) {
            try {
                Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException e) {
                abort("cannot move pid " + pid + " into " + dir + ": " + e);
            }
        }

        /** rmdir once the child is gone; retried briefly because the kernel may still be letting go. */
        boolean remove() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                if (rmdir(dir)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    System.err.println("RealCgroupLimitTest: could not remove " + dir);
                    return false;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }

        private static boolean rmdir(Path dir) {
            try {
                Files.deleteIfExists(dir);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
