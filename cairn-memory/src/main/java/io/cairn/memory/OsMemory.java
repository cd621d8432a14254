package io.cairn.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private static final Path PROC_SELF_CGROUP = Path.of("/proc/self/cgroup");
    private static final Path PROC_SELF_MOUNTINFO = Path.of("/proc/self/mountinfo");

    private OsMemory() {
    }

    /** The process's VmRSS in bytes, or -1 if /proc/self/status is not available. */
    static long processRssBytes() {
        return rssBytes(PROC_STATUS);
    }

    /**
     * The memory limit of the cgroup this process runs in, or of the nearest ancestor with a smaller
     * one, in bytes; -1 if none is set or none can be read. The group's directories are found once
     * (first call); each call reads only their limit files.
     */
    static long containerLimitBytes() {
        return SelfGroup.MEMORY.limitBytes();
    }

    /** The memory the kernel charges to this process's cgroup in bytes, or -1 if it cannot be read. */
    static long containerUsageBytes() {
        return SelfGroup.MEMORY.usageBytes();
    }

    /** This process's memory cgroup, resolved once (see {@link CgroupMemory#resolve}). */
    static CgroupMemory selfGroup() {
        return SelfGroup.MEMORY;
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
     * The limit read at the cgroup mount root only: v2 ({@code memory.max} at the unified root) or v1
     * ({@code memory/memory.limit_in_bytes}). Inside a container with a cgroup namespace the mount
     * root is the container's own group. Used when /proc does not say where the process's group is.
     */
    static long containerLimitBytes(Path cgroupRoot) {
        return CgroupMemory.atMountRoot(cgroupRoot).limitBytes();
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

    static long parseUsage(Path file) {
        try {
            long value = Long.parseLong(Files.readString(file, StandardCharsets.ISO_8859_1).trim());
            return value < 0 ? -1 : value;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resolved at first use; a process moved to another group afterwards keeps the old answer. */
    private static final class SelfGroup {
        static final CgroupMemory MEMORY = CgroupMemory.resolve(PROC_SELF_CGROUP, PROC_SELF_MOUNTINFO, Path.of("/"),
                CGROUP_ROOT);
    }

    /**
     * The limit files that bind this process, its own group's first and then each ancestor's up to the
     * mount point of the memory hierarchy, and its own group's usage file (null if unknown). A parent's
     * limit caps all of its children, so the effective limit is the smallest one on that path.
     */
    record CgroupMemory(List<Path> limitFiles, Path usageFile) {
        CgroupMemory {
            limitFiles = List.copyOf(limitFiles);
        }

        /** The smallest limit set on the path, or -1 if none is set or none can be read. */
        long limitBytes() {
            long min = -1;
            for (Path file : limitFiles) {
                long limit = parseLimit(file);
                if (limit > 0 && (min < 0 || limit < min)) {
                    min = limit;
                }
            }
            return min;
        }

        long usageBytes() {
            return usageFile == null ? -1 : parseUsage(usageFile);
        }

        /** The old rule, for systems where /proc does not say which group the process is in. */
        static CgroupMemory atMountRoot(Path cgroupRoot) {
            return new CgroupMemory(List.of(cgroupRoot.resolve("memory.max"),
                    cgroupRoot.resolve("memory").resolve("memory.limit_in_bytes")), null);
        }

        /**
         * Finds the process's memory cgroup the way the JDK's container support does: its path from
         * {@code selfCgroup} (v1: the line whose controllers include "memory"; v2: the "0::" line),
         * the hierarchy's mount from {@code mountinfo} (v1: fs type "cgroup" with "memory" among the
         * super options; v2: fs type "cgroup2"), and the path made relative to the mount's root.
         * v1 wins when both are present (a hybrid system, where v2 carries no memory controller).
         * Mount points are resolved against {@code fsRoot} ("/" outside tests). Falls back to
         * {@link #atMountRoot} when the files are missing or name no memory hierarchy; never throws.
         */
        static CgroupMemory resolve(Path selfCgroup, Path mountinfo, Path fsRoot, Path cgroupRoot) {
            try {
                String v1Path = null;
                String v2Path = null;
                for (String line : Files.readAllLines(selfCgroup, StandardCharsets.ISO_8859_1)) {
                    String[] f = line.split(":", 3);
                    if (f.length < 3) {
                        continue;
                    }
                    if (f[0].equals("0") && f[1].isEmpty()) {
                        v2Path = f[2];
                    } else if (Arrays.asList(f[1].split(",")).contains("memory")) {
                        v1Path = f[2];
                    }
                }
                List<Mount> v1Mounts = new ArrayList<>();
                List<Mount> v2Mounts = new ArrayList<>();
                for (String line : Files.readAllLines(mountinfo, StandardCharsets.ISO_8859_1)) {
                    Mount m = Mount.parse(line);
                    if (m == null) {
                        continue;
                    }
                    if (m.fsType.equals("cgroup") && Arrays.asList(m.superOptions.split(",")).contains("memory")) {
                        v1Mounts.add(m);
                    } else if (m.fsType.equals("cgroup2")) {
                        v2Mounts.add(m);
                    }
                }
                if (v1Path != null && !v1Mounts.isEmpty()) {
                    return walk(pick(v1Mounts, v1Path), v1Path, fsRoot, "memory.limit_in_bytes", "memory.usage_in_bytes");
                }
                if (v2Path != null && !v2Mounts.isEmpty()) {
                    return walk(pick(v2Mounts, v2Path), v2Path, fsRoot, "memory.max", "memory.current");
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the mount root
            }
            return atMountRoot(cgroupRoot);
        }

        /** The mount whose root contains the group, preferring the usual place under /sys/fs/cgroup. */
        private static Mount pick(List<Mount> mounts, String groupPath) {
            Mount best = mounts.get(0);
            int bestScore = -1;
            for (Mount m : mounts) {
                int score = (relativeToRoot(m.root, groupPath) != null ? 2 : 0)
                        + (m.mountPoint.startsWith("/sys/fs/cgroup") ? 1 : 0);
                if (score > bestScore) {
                    best = m;
                    bestScore = score;
                }
            }
            return best;
        }

        private static CgroupMemory walk(Mount mount, String groupPath, Path fsRoot, String limitName, String usageName) {
            Path top = fsRoot.resolve(mount.mountPoint.substring(1)).normalize();
            String relative = relativeToRoot(mount.root, groupPath);
            // A group outside the mount's root cannot be seen from here: the mount point is the best guess.
            Path own = relative == null || relative.isEmpty() ? top : top.resolve(relative);
            List<Path> files = new ArrayList<>();
            for (Path dir = own; dir != null && dir.startsWith(top); dir = dir.getParent()) {
                files.add(dir.resolve(limitName));
            }
            return new CgroupMemory(files, relative == null ? null : own.resolve(usageName));
        }

        /**
         * The group's path below the mount's root ("" when it is the root itself), or null when the
         * group is not inside the root or either path is not a plain absolute path.
         */
        static String relativeToRoot(String mountRoot, String groupPath) {
            if (!mountRoot.startsWith("/") || !groupPath.startsWith("/")) {
                return null;
            }
            Path root = Path.of(mountRoot).normalize();
            Path group = Path.of(groupPath);
            if (!group.normalize().equals(group) || !group.startsWith(root)) {
                return null;
            }
            return root.relativize(group).toString();
        }
    }

    /** The fields of one /proc/self/mountinfo line that locate a cgroup hierarchy. */
    private record Mount(String root, String mountPoint, String fsType, String superOptions) {
        /**
         * "36 35 98:0 /root /mount/point rw,noatime master:1 - fstype source super,options": fields
         * 4 and 5, then the three after the "-" that ends the optional fields. Null if malformed.
         */
        static Mount parse(String line) {
            String[] f = line.trim().split(" +");
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    if (i + 1 >= f.length || !f[4].startsWith("/")) {
                        return null;
                    }
                    return new Mount(unescape(f[3]), unescape(f[4]), f[i + 1], i + 3 < f.length ? f[i + 3] : "");
                }
            }
            return null;
        }

        /** The kernel writes space, tab, newline and backslash in paths as octal escapes ("\040"). */
        private static String unescape(String field) {
            if (field.indexOf('\\') < 0) {
                return field;
            }
            StringBuilder out = new StringBuilder(field.length());
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private static boolean isOctal(String s, int from) {
            for (int i = from; i < from + 3; i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                    return false;
                }
            }
            return true;
        }
    }
}
