package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's heap sizing: {@code ./cairn jvm-options} finds the memory limit of its cgroup from
 * /proc/self/cgroup and /proc/self/mountinfo (here fixtures in a temporary directory, named by
 * CAIRN_PROC_SELF) and adds {@code -XX:MaxRAM=<limit>} unless JAVA_OPTS already sizes the heap.
 */
class LauncherMemoryTest {
    /** What cgroup v1 writes for "no limit": Long.MAX_VALUE rounded down to a page. */
    private static final String V1_NO_LIMIT = "9223372036854771712";

    @TempDir
    Path tmp;

    private Path proc;
    private Path meminfo;

    @BeforeEach
    void fixtures() throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc-self"));
        // 24 GiB of RAM, so that every limit below is a real one.
        meminfo = write(tmp.resolve("meminfo"), "MemTotal:       25165824 kB\nMemFree:         1000000 kB\n");
    }

    @Test
    void v1NestedGroupWithItsOwnLimit() throws Exception {
        Path v1 = tmp.resolve("v1-memory");
        // The mount's root is /outer (a container's view): the group /outer/a/b lives at <mount>/a/b.
        write(v1.resolve("a/b/memory.limit_in_bytes"), "335544320\n");
        write(v1.resolve("a/memory.limit_in_bytes"), V1_NO_LIMIT + "\n");
        write(v1.resolve("memory.limit_in_bytes"), V1_NO_LIMIT + "\n");
        // A cgroup2 hierarchy with a smaller limit must not count: v1 carries the memory controller.
        Path v2 = tmp.resolve("unified");
        write(v2.resolve("memory.max"), "100000000\n");
        write(proc.resolve("cgroup"), """
                6:cpu,cpuacct:/elsewhere
                5:memory:/outer/a/b
                1:name=systemd:/
                0::/
                """);
        write(proc.resolve("mountinfo"), String.join("\n",
                mount(30, "/", "/", "ext4", "rw"),
                mount(32, "/", tmp.resolve("v1-cpu").toString(), "cgroup", "rw,cpu,cpuacct"),
                mount(35, "/outer", v1.toString(), "cgroup", "rw,memory"),
                mount(41, "/", v2.toString(), "cgroup2", "rw")) + "\n");

        assertThat(jvmOptions(null)).isEqualTo("-XX:MaxRAM=335544320");
    }

    @Test
    void v2GroupCappedByASmallerParentLimit() throws Exception {
        // A mount point with a space, which mountinfo writes as \040.
        Path v2 = tmp.resolve("cgroup two");
        write(v2.resolve("system.slice/cairn.service/memory.max"), "536870912\n");
        write(v2.resolve("system.slice/memory.max"), "268435456\n");
        write(proc.resolve("cgroup"), "1:name=systemd:/system.slice/cairn.service\n0::/system.slice/cairn.service\n");
        write(proc.resolve("mountinfo"), String.join("\n",
                mount(30, "/", "/", "ext4", "rw"),
                mount(40, "/", tmp.resolve("systemd").toString(), "cgroup", "rw,name=systemd"),
                mount(41, "/", v2.toString(), "cgroup2", "rw,nsdelegate")) + "\n");

        assertThat(jvmOptions("-XX:+UseZGC")).isEqualTo("-XX:+UseZGC -XX:MaxRAM=268435456");
    }

    @Test
    void noLimitAnywhereAddsNothing() throws Exception {
        Path v2 = tmp.resolve("unified");
        write(v2.resolve("app/worker/memory.max"), "max\n");
        write(v2.resolve("app/memory.max"), "max\n");
        write(proc.resolve("cgroup"), "0::/app/worker\n");
        write(proc.resolve("mountinfo"), mount(41, "/", v2.toString(), "cgroup2", "rw") + "\n");

        assertThat(jvmOptions("-XX:+UseZGC -Dcairn.x=1")).isEqualTo("-XX:+UseZGC -Dcairn.x=1");
        assertThat(jvmOptions(null)).isEmpty();

        // cgroup v1 says "no limit" with a number near 2^63; 2^60 and up counts as none, even where
        // /proc/meminfo cannot tell that it is more than the machine has.
        limitedV1Group();
        meminfo = tmp.resolve("no-meminfo");
        assertThat(jvmOptions(null)).isEqualTo("-XX:MaxRAM=335544320");
        write(tmp.resolve("v1-memory/a/b/memory.limit_in_bytes"), "1152921504606846976\n");
        assertThat(jvmOptions(null)).isEmpty();
    }

    @Test
    void aLimitAsLargeAsTheMachinesMemoryIsNoLimit() throws Exception {
        Path v2 = tmp.resolve("unified");
        write(v2.resolve("app/memory.max"), "68719476736\n"); // 64 GiB on a 24 GiB machine
        write(proc.resolve("cgroup"), "0::/app\n");
        write(proc.resolve("mountinfo"), mount(41, "/", v2.toString(), "cgroup2", "rw") + "\n");

        assertThat(jvmOptions(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Xmx512m", "-XX:+UseZGC -XX:MaxHeapSize=512m", "-XX:MaxRAM=1g",
            "-XX:MaxRAMPercentage=50", "-XX:MaxRAMFraction=2"})
    void javaOptsThatSizeTheHeapAreLeftAlone(String javaOpts) throws Exception {
        limitedV1Group();
        assertThat(jvmOptions(javaOpts)).isEqualTo(javaOpts);
    }

    @Test
    void javaOptsThatDoNotBoundTheHeapGetTheLimit() throws Exception {
        limitedV1Group();
        assertThat(jvmOptions("-XX:InitialRAMPercentage=10 -Xms64m"))
                .isEqualTo("-XX:InitialRAMPercentage=10 -Xms64m -XX:MaxRAM=335544320");
    }

    @Test
    void missingOrUnreadableInputsAddNothing() throws Exception {
        // No proc directory at all.
        assertThat(jvmOptions(tmp.resolve("no-such-dir"), "-Xms64m")).isEqualTo("-Xms64m");

        // /proc/self/cgroup cannot be read (a directory stands in its place; the tests may run as root).
        limitedV1Group();
        Files.delete(proc.resolve("cgroup"));
        Files.createDirectory(proc.resolve("cgroup"));
        assertThat(jvmOptions(null)).isEmpty();
        Files.delete(proc.resolve("cgroup"));

        // mountinfo names no memory hierarchy, or only malformed lines.
        limitedV1Group();
        write(proc.resolve("mountinfo"), "35 31 0:32 / /x rw\n36 31 0:33\n\n-\n");
        assertThat(jvmOptions(null)).isEmpty();

        // The limit file is not a file, or holds no number.
        limitedV1Group();
        Path limit = tmp.resolve("v1-memory/a/b/memory.limit_in_bytes");
        Files.delete(limit);
        Files.createDirectory(limit);
        assertThat(jvmOptions(null)).isEmpty();
        Files.delete(limit);
        write(limit, "lots\n");
        assertThat(jvmOptions(null)).isEmpty();
    }

    /** A v1 memory group /a/b limited to 320 MiB, its parent and the root without a limit. */
    private void limitedV1Group() throws IOException {
        Path v1 = tmp.resolve("v1-memory");
        write(v1.resolve("a/b/memory.limit_in_bytes"), "335544320\n");
        write(v1.resolve("a/memory.limit_in_bytes"), V1_NO_LIMIT + "\n");
        write(v1.resolve("memory.limit_in_bytes"), V1_NO_LIMIT + "\n");
        write(proc.resolve("cgroup"), "5:memory:/a/b\n0::/\n");
        write(proc.resolve("mountinfo"), mount(35, "/", v1.toString(), "cgroup", "rw,memory") + "\n");
    }

    /** One /proc/self/mountinfo line; the mount point escaped the way the kernel does it. */
    private static String mount(int id, String root, String mountPoint, String fsType, String superOptions) {
        String escaped = mountPoint.replace("\\", "\\134").replace(" ", "\\040");
        return id + " 23 0:" + id + " " + root + " " + escaped + " rw,nosuid,relatime shared:9 - " + fsType + " "
                + fsType + " " + superOptions;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private String jvmOptions(String javaOpts) throws Exception {
        return jvmOptions(proc, javaOpts);
    }

    /**
     * Runs {@code bash cairn jvm-options} with the given proc directory and JAVA_OPTS (null: unset) and
     * returns its one line of output, after checking that it exits 0 and writes nothing to stderr.
     */
    private String jvmOptions(Path procSelf, String javaOpts) throws Exception {
        Path out = Files.createTempFile(tmp, "stdout", ".txt");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", launcher().toString(), "jvm-options"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        for (String name : List.of("JAVA_OPTS", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            env.remove(name);
        }
        if (javaOpts != null) {
            env.put("JAVA_OPTS", javaOpts);
        }
        env.put("CAIRN_PROC_SELF", procSelf.toString());
        env.put("CAIRN_PROC_MEMINFO", meminfo.toString());
        Process process = pb.start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("./cairn jvm-options did not finish within 30 s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status; stderr: %s", stderr).isZero();
        assertThat(stderr).as("stderr").isEmpty();
        List<String> lines = new ArrayList<>(stdout.lines().toList());
        assertThat(lines).as("stdout %s", stdout).hasSize(1);
        assertThat(stdout).endsWith("\n");
        return lines.get(0);
    }

    /** The launcher at the repository root: Maven runs the tests in the module directory below it. */
    private static Path launcher() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir : new Path[] {cwd.getParent(), cwd}) {
            if (dir != null && Files.isRegularFile(dir.resolve("cairn")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("cairn");
            }
        }
        return fail("no ./cairn launcher in " + cwd + " or its parent");
    }
}
