package io.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the process's own memory cgroup from fake /proc/self/cgroup and /proc/self/mountinfo
 * files, with the cgroup file system under {@code fs} standing in for "/".
 */
class OsMemoryCgroupTest {
    private static final String V1_UNLIMITED = "9223372036854771712\n";
    private static final String V2_MOUNT =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
    /** A hybrid host like the one these tests were written on: v1 controllers plus an empty v2 tree. */
    private static final String V1_HOST_MOUNTS = """
            25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    @TempDir
    Path dir;

    private Path selfCgroup;
    private Path mountinfo;
    private Path fs;
    private Path cgroupRoot;

    @BeforeEach
    void paths() {
        selfCgroup = dir.resolve("self-cgroup");
        mountinfo = dir.resolve("mountinfo");
        fs = dir.resolve("fs");
        cgroupRoot = fs.resolve("sys/fs/cgroup");
    }

    private void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void cgroupFile(String relative, String text) throws IOException {
        write(cgroupRoot.resolve(relative), text);
    }

    private OsMemory.CgroupMemory resolve() {
        return OsMemory.CgroupMemory.resolve(selfCgroup, mountinfo, fs, cgroupRoot);
    }

    @Test
    void v2NestedGroupIsFoundBelowTheMountRoot() throws IOException {
        write(selfCgroup, "0::/system.slice/cairn.service\n");
        write(mountinfo, V2_MOUNT);
        cgroupFile("system.slice/cairn.service/memory.max", "536870912\n");
        cgroupFile("system.slice/cairn.service/memory.current", "123456789\n");
        cgroupFile("system.slice/memory.max", "max\n");

        OsMemory.CgroupMemory m = resolve();
        assertThat(m.limitFiles()).containsExactly(
                cgroupRoot.resolve("system.slice/cairn.service/memory.max"),
                cgroupRoot.resolve("system.slice/memory.max"),
                cgroupRoot.resolve("memory.max"));
        assertThat(m.limitBytes()).isEqualTo(536_870_912L);
        assertThat(m.usageBytes()).isEqualTo(123_456_789L);
        // The old rule looked only at the mount root, which has no limit here.
        assertThat(OsMemory.containerLimitBytes(cgroupRoot)).isEqualTo(-1);
    }

    @Test
    void v2ParentLimitSmallerThanTheChildsBinds() throws IOException {
        write(selfCgroup, "0::/a/b/c\n");
        write(mountinfo, V2_MOUNT);
        cgroupFile("a/b/c/memory.max", "1073741824\n");
        cgroupFile("a/b/memory.max", "268435456\n");
        cgroupFile("a/memory.max", "max\n");

        assertThat(resolve().limitBytes()).isEqualTo(268_435_456L);

        cgroupFile("a/memory.max", "134217728\n");
        assertThat(resolve().limitBytes()).isEqualTo(134_217_728L);
    }

    @Test
    void v1NestedGroupOnAHybridHost() throws IOException {
        write(selfCgroup, """
                9:name=systemd:/
                4:memory:/process_api/555ccd82
                3:cpu,cpuacct:/
                0::/
                """);
        write(mountinfo, V1_HOST_MOUNTS);
        cgroupFile("memory/memory.limit_in_bytes", V1_UNLIMITED);
        cgroupFile("memory/process_api/memory.limit_in_bytes", V1_UNLIMITED);
        cgroupFile("memory/process_api/555ccd82/memory.limit_in_bytes", "314572800\n");
        cgroupFile("memory/process_api/555ccd82/memory.usage_in_bytes", "4096000\n");
        // A v2 file that must not be read: on a hybrid host the memory controller is in v1.
        cgroupFile("unified/process_api/555ccd82/memory.max", "1000\n");

        OsMemory.CgroupMemory m = resolve();
        assertThat(m.limitFiles()).containsExactly(
                cgroupRoot.resolve("memory/process_api/555ccd82/memory.limit_in_bytes"),
                cgroupRoot.resolve("memory/process_api/memory.limit_in_bytes"),
                cgroupRoot.resolve("memory/memory.limit_in_bytes"));
        assertThat(m.limitBytes()).isEqualTo(314_572_800L);
        assertThat(m.usageBytes()).isEqualTo(4_096_000L);
        assertThat(OsMemory.containerLimitBytes(cgroupRoot)).isEqualTo(-1);
    }

    @Test
    void v1ControllerJoinedWithOthers() throws IOException {
        write(selfCgroup, "5:cpu,memory:/jobs/42\n");
        write(mountinfo,
                "35 31 0:32 / /sys/fs/cgroup/cpu,memory rw,relatime shared:9 master:3 - cgroup cgroup rw,cpu,memory\n");
        cgroupFile("cpu,memory/jobs/42/memory.limit_in_bytes", V1_UNLIMITED);
        cgroupFile("cpu,memory/jobs/memory.limit_in_bytes", "52428800\n");

        assertThat(resolve().limitBytes()).isEqualTo(52_428_800L);
    }

    @Test
    void v1ContainerWhoseMountRootIsItsOwnGroup() throws IOException {
        String group = "/kubepods/burstable/pod1/abc";
        write(selfCgroup, "11:memory:" + group + "\n");
        write(mountinfo, "1901 1894 0:37 " + group
                + " /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:12 - cgroup cgroup rw,seclabel,memory\n");
        cgroupFile("memory/memory.limit_in_bytes", "209715200\n");
        cgroupFile("memory/memory.usage_in_bytes", "1048576\n");

        OsMemory.CgroupMemory m = resolve();
        assertThat(m.limitFiles()).containsExactly(cgroupRoot.resolve("memory/memory.limit_in_bytes"));
        assertThat(m.limitBytes()).isEqualTo(209_715_200L);
        assertThat(m.usageBytes()).isEqualTo(1_048_576L);
    }

    @Test
    void aGroupBelowTheContainersRootIsMappedRelativeToIt() throws IOException {
        write(selfCgroup, "11:memory:/docker/abc/worker\n");
        write(mountinfo, "1901 1894 0:37 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
        cgroupFile("memory/memory.limit_in_bytes", "209715200\n");
        cgroupFile("memory/worker/memory.limit_in_bytes", "104857600\n");

        assertThat(resolve().limitBytes()).isEqualTo(104_857_600L);
    }

    @Test
    void aGroupOutsideTheMountsRootFallsBackToTheMountPoint() throws IOException {
        // "/docker/abcd" merely shares a prefix with the root "/docker/abc": not inside it.
        write(selfCgroup, "11:memory:/docker/abcd\n");
        write(mountinfo, "1901 1894 0:37 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
        cgroupFile("memory/memory.limit_in_bytes", "209715200\n");
        cgroupFile("memory/d/memory.limit_in_bytes", "1000\n");

        OsMemory.CgroupMemory m = resolve();
        assertThat(m.limitFiles()).containsExactly(cgroupRoot.resolve("memory/memory.limit_in_bytes"));
        assertThat(m.limitBytes()).isEqualTo(209_715_200L);
        assertThat(m.usageBytes()).isEqualTo(-1);
    }

    @Test
    void maxAndThePageRoundedMaximumMeanNoLimit() throws IOException {
        write(selfCgroup, "0::/a/b\n");
        write(mountinfo, V2_MOUNT);
        cgroupFile("a/b/memory.max", "max\n");
        cgroupFile("a/memory.max", "max\n");
        cgroupFile("a/b/memory.current", "777\n");
        assertThat(resolve().limitBytes()).isEqualTo(-1);
        assertThat(resolve().usageBytes()).isEqualTo(777);

        write(selfCgroup, "4:memory:/a/b\n");
        write(mountinfo, V1_HOST_MOUNTS);
        cgroupFile("memory/a/b/memory.limit_in_bytes", V1_UNLIMITED);
        cgroupFile("memory/a/memory.limit_in_bytes", V1_UNLIMITED);
        cgroupFile("memory/memory.limit_in_bytes", V1_UNLIMITED);
        assertThat(resolve().limitBytes()).isEqualTo(-1);
    }

    @Test
    void missingFilesMeanUnknown() throws IOException {
        // No /proc files and nothing at the mount root.
        assertThat(resolve().limitBytes()).isEqualTo(-1);
        assertThat(resolve().usageBytes()).isEqualTo(-1);

        // /proc names a group whose files do not exist.
        write(selfCgroup, "0::/gone\n");
        write(mountinfo, V2_MOUNT);
        assertThat(resolve().limitBytes()).isEqualTo(-1);
        assertThat(resolve().usageBytes()).isEqualTo(-1);
    }

    @Test
    void withoutProcTheMountRootIsStillRead() throws IOException {
        cgroupFile("memory.max", "536870912\n");
        assertThat(resolve().limitBytes()).isEqualTo(536_870_912L);

        // mountinfo present but without any cgroup mount: same fallback.
        write(selfCgroup, "0::/x\n");
        write(mountinfo, "25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n");
        assertThat(resolve().limitBytes()).isEqualTo(536_870_912L);
    }

    @Test
    void garbageMeansUnknown() throws IOException {
        write(selfCgroup, "hello\n:::\n\u0000\n");
        write(mountinfo, "no fields here\n- - -\n1 2 3\n");
        assertThat(resolve().limitBytes()).isEqualTo(-1);

        write(selfCgroup, "0::/a\n");
        write(mountinfo, "broken line\n" + V2_MOUNT);
        cgroupFile("a/memory.max", "lots\n");
        cgroupFile("a/memory.current", "some\n");
        assertThat(resolve().limitBytes()).isEqualTo(-1);
        assertThat(resolve().usageBytes()).isEqualTo(-1);

        cgroupFile("a/memory.max", "-4096\n");
        assertThat(resolve().limitBytes()).isEqualTo(-1);

        // The same group with a readable limit: the broken mountinfo line did not hide the good one.
        cgroupFile("a/memory.max", "65536\n");
        assertThat(resolve().limitBytes()).isEqualTo(65_536L);
    }

    @Test
    void escapedMountPointsAreDecoded() throws IOException {
        write(selfCgroup, "0::/g\n");
        write(mountinfo, "30 23 0:26 / /sys/fs/cgroup\\040v2 rw - cgroup2 cgroup2 rw\n");
        write(fs.resolve("sys/fs/cgroup v2/g/memory.max"), "8388608\n");
        assertThat(resolve().limitBytes()).isEqualTo(8_388_608L);
    }

    @Test
    void theRealProcessResolvesWithoutThrowing() {
        long limit = OsMemory.containerLimitBytes();
        assertThat(limit == -1 || limit > 0).isTrue();
        assertThat(OsMemory.containerUsageBytes()).isGreaterThanOrEqualTo(-1);
    }
}
