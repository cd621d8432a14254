package io.cairn.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system says about the process: resident set size and the container's memory
 * limit. Read-only and best-effort: where a file is missing or unreadable the answer is -1, never
 * an exception, because a governor must keep running on systems without /proc or cgroups.
 */
final class OsMemory {
    /**
     * cgroup v1 reports "no limit" as a page-rounded Long.MAX_VALUE (9223372036854771712); anything
     * this large cannot be a real limit on any machine the JVM runs on.
     */
    static final long NO_LIMIT_ABOVE = 1L << 60;

    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private OsMemory() {
    }

    /** The process's VmRSS in bytes, or -1 if /proc/self/status is not available. */
    static long processRssBytes() {
        return rssBytes(PROC_STATUS);
    }

    /** The container memory limit in bytes, or -1 if none is set or none can be read. */
    static long containerLimitBytes() {
        return containerLimitBytes(CGROUP_ROOT);
    }

    static long rssBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     123456 kB": the kernel always reports this field in kibibytes.
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * cgroup v2 ({@code memory.max} at the unified root) first, then v1
     * ({@code memory/memory.limit_in_bytes}). Inside a container the cgroup namespace makes the
     * mount root the container's own group, which is the limit that the OOM killer enforces.
     */
    static long containerLimitBytes(Path cgroupRoot) {
        long v2 = parseLimit(cgroupRoot.resolve("memory.max"));
        if (v2 != -1) {
            return v2;
        }
        return parseLimit(cgroupRoot.resolve("memory").resolve("memory.limit_in_bytes"));
    }

    static long parseLimit(Path file) {
        try {
            if (!Files.isReadable(file)) {
                return -1;
            }
            String text = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
            if (text.isEmpty() || text.equals("max")) {
                return -1;
            }
            long value = Long.parseLong(text);
            return value <= 0 || value >= NO_LIMIT_ABOVE ? -1 : value;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
