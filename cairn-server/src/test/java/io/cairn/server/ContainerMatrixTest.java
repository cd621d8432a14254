package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.blockstore.Block;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The container matrix of issue 10, in a real memory cgroup: the server alone in a 320 MiB group,
 * flooded with 1–2 MiB uploads, for every cell of heap unset/128m/192m/256m × G1/ZGC, one cell after
 * another. Before issue 10 a 256 MiB heap in such a group was killed by the kernel within seconds
 * while the governor read level 1. Each cell: 0 kernel OOM kills ({@code oom_kill} in the group's
 * counters), 0 OutOfMemoryError, every acknowledged write retrievable, level 0 afterwards (polled). The
 * floods are short (a few seconds) so the eight cells fit in about four minutes of the suite; the
 * longer runs are {@code cairn-bench/scripts/cgroup-matrix.sh} (docs/BENCHMARKS.md). Needs root and a
 * writable memory cgroup, else reported as skipped with the reason.
 */
class ContainerMatrixTest {
    private static final long LIMIT = 320L << 20;
    private static final int WRITERS = 48;
    private static final long FLOOD_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long a cell may take to come back to level 0 after its flood (ZGC gives its heap back after 5 s). */
    private static final Duration RECOVERY = Duration.ofSeconds(40);

    @ParameterizedTest(name = "heap {0}, {1}")
    @CsvSource({"default, G1", "default, Z", "128m, G1", "128m, Z", "192m, G1", "192m, Z", "256m, G1", "256m, Z"})
    void theFloodInA320MiBGroupEndsWithoutAKill(String heap, String gc) throws Exception {
        Path work = Files.createTempDirectory("cairn-cgroup-cell");
        Group group = Group.create(LIMIT, work);
        ChargeSampler charge = new ChargeSampler(group);
        try {
            List<String> jvm = new ArrayList<>(List.of("-XX:+Use" + gc + "GC", "-XX:+ExitOnOutOfMemoryError"));
            if (!heap.equals("default")) {
                jvm.add("-Xmx" + heap);
            }
            jvm.addAll(io.cairn.memory.JvmOptionDefaults.forOptions(jvm)); // as ./cairn starts it
            try (ChildServer child = new ChildServer(group.javaWrapper.toString(), work.resolve("data"), jvm)) {
                TimedUploadFlood.Result flood = TimedUploadFlood.run(child.api, WRITERS, Duration.ofNanos(FLOOD_NANOS),
                        ContainerMatrixTest::payload, true);
                Map<Integer, Integer> status = flood.status();
                List<String> unexpected = flood.unexpected();
                long floodEnded = System.nanoTime();
                long kills = group.oomKills();
                String err = child.stderrText();
                assertThat(kills).as("kernel OOM kills in the group").isZero();
                assertThat(child.process.isAlive()).as("server alive; stderr:\n" + err).isTrue();
                assertThat(err).doesNotContain("OutOfMemoryError");
                assertThat(unexpected).isEmpty();
                assertThat(status.values()).contains(200);
                for (Map.Entry<Integer, Integer> e : status.entrySet()) {
                    if (e.getValue() == 200) {
                        byte[] expected = payload(e.getKey());
                        HttpResponse<byte[]> got = TestHttp.get(child.gateway, "/ipfs/" + Block.raw(expected).cid() + "?format=raw");
                        assertThat(got.statusCode()).as("acknowledged upload %d", e.getKey()).isEqualTo(200);
                        assertThat(Arrays.equals(got.body(), expected)).isTrue();
                    }
                }
                long deadline = floodEnded + RECOVERY.toNanos();
                int level = -1;
                while (System.nanoTime() < deadline) {
                    JsonNode health = TestHttp.json(TestHttp.get(child.api, "/health"));
                    level = health.get("degradationLevel").asInt();
                    if (level == 0) {
                        break;
                    }
                    Thread.sleep(250);
                }
                charge.stop();
                System.out.printf("container cell heap %s %s: %d uploads, %d acked, %d refused; oom_kill %d; level 0 %s ms"
                                + " after the flood; peak charge (all) %d MiB, peak anon+shmem+kernel %d MiB%n",
                        heap, gc, status.size(), flood.acked(), flood.refused(), group.oomKills(),
                        level == 0 ? Long.toString((System.nanoTime() - floodEnded) / 1_000_000) : "not within " + RECOVERY.toMillis(),
                        group.peak() >> 20, charge.peak() >> 20);
                assertThat(level).as("level after the flood; /debug/memory %s",
                        TestHttp.text(TestHttp.get(child.api, "/debug/memory"))).isZero();
                assertThat(group.oomKills()).isZero();
            }
        } finally {
            charge.stop();
            group.remove();
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Samples the kernel's figure the governor reads (anonymous + shared + kernel memory, page cache left
     * out) every 200 ms and keeps the largest, as {@code pressure-in-cgroup.sh} does.
     */
    private static final class ChargeSampler {
        private final Thread thread;
        private volatile boolean stop;
        private volatile long peak = -1;

        ChargeSampler(Group group) {
            thread = Thread.ofPlatform().daemon().name("cgroup-charge-sampler").start(() -> {
                while (!stop) {
                    long c = group.charge();
                    if (c > peak) {
                        peak = c;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(2000);
        }

        long peak() {
            return peak;
        }
    }

    /** 1 to 2 MiB, different per upload. */
    private static byte[] payload(int n) {
        int size = (1 << 20) + (int) ((n * 2654435761L) & 0xFFFFF);
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (n * 31));
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >> (8 * (i & 3)));
        }
        return b;
    }

    /** A fresh memory cgroup and a java wrapper that moves itself into it before starting the JVM. */
    private static final class Group {
        final Path dir;
        final boolean v1;
        final Path javaWrapper;

        private Group(Path dir, boolean v1, Path javaWrapper) {
            this.dir = dir;
            this.v1 = v1;
            this.javaWrapper = javaWrapper;
        }

        static Group create(long limit, Path work) throws IOException {
            Path v1root = Path.of("/sys/fs/cgroup/memory");
            Path v2root = Path.of("/sys/fs/cgroup");
            boolean v1;
            Path parent;
            if (Files.isRegularFile(v1root.resolve("memory.limit_in_bytes"))) {
                v1 = true;
                parent = v1root;
            } else if (Files.isRegularFile(v2root.resolve("cgroup.subtree_control"))
                    && Files.readString(v2root.resolve("cgroup.subtree_control")).contains("memory")) {
                v1 = false;
                parent = v2root;
            } else {
                return abort("no memory cgroup controller here (neither v1 nor v2 with memory enabled)");
            }
            Path dir = parent.resolve("cairn-matrix-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try {
                Files.createDirectory(dir);
                Files.writeString(dir.resolve(v1 ? "memory.limit_in_bytes" : "memory.max"), Long.toString(limit));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(dir);
                return abort("cannot create a memory cgroup with a limit at " + dir + ": " + e);
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Path wrapper = work.resolve("java-in-group");
            Files.writeString(wrapper, "#!/bin/sh\necho $$ > " + dir.resolve("cgroup.procs") + "\nexec " + java + " \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            return new Group(dir, v1, wrapper);
        }

        long oomKills() throws IOException {
            for (String line : Files.readAllLines(dir.resolve(v1 ? "memory.oom_control" : "memory.events"))) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring(9).trim());
                }
            }
            return 0;
        }

        long peak() {
            try {
                return Long.parseLong(Files.readString(dir.resolve(v1 ? "memory.max_usage_in_bytes" : "memory.peak")).trim());
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** anon + shmem + kernel memory of the group (v1: total_rss + total_shmem + kmem usage); -1 if unreadable. */
        long charge() {
            try {
                long sum = 0;
                for (String line : Files.readAllLines(dir.resolve("memory.stat"))) {
                    String[] kv = line.split(" ");
                    if (kv.length == 2 && (v1 ? kv[0].equals("total_rss") || kv[0].equals("total_shmem")
                            : kv[0].equals("anon") || kv[0].equals("shmem") || kv[0].equals("kernel"))) {
                        sum += Long.parseLong(kv[1]);
                    }
                }
                if (v1) {
                    Path kmem = dir.resolve("memory.kmem.usage_in_bytes");
                    if (Files.isReadable(kmem)) {
                        sum += Long.parseLong(Files.readString(kmem).trim());
                    }
                }
                return sum;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        void remove() throws InterruptedException {
            for (int i = 0; i < 50; i++) {
                try {
                    Files.deleteIfExists(dir);
                    return;
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
        }
    }
}
