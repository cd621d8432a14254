package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cairn.cid.Cid;
import io.cairn.cid.HashFunction;
import io.cairn.cid.Multibase;
import io.cairn.cid.Multihash;

/**
 * A child JVM streams puts into a flatfs directory and is killed with SIGKILL mid-stream. Afterwards
 * every block file must be complete (its bytes hash to its name), every put the child saw return must
 * be there, the store must reopen, and {@code .temp} must be emptied.
 */
class FlatFsCrashTest {
    @TempDir
    Path repo;

    @Test
    void sigkillMidStreamLeavesOnlyCompleteBlocksAndAStoreThatReopens() throws Exception {
        Set<Cid> acknowledged = ConcurrentHashMap.newKeySet();
        // Several rounds into the same directory, each starting from the previous crash; one with fsync.
        for (int round = 0; round < 4; round++) {
            int before = acknowledged.size();
            killChildAfterSomePuts(round, acknowledged, round == 3);
            assertThat(acknowledged.size()).as("round %d made progress", round).isGreaterThan(before);
            verifyOnDisk(acknowledged);
        }
    }

    private void killChildAfterSomePuts(int round, Set<Cid> acknowledged, boolean sync) throws Exception {
        String java = System.getProperty("cairn.test.java",
                ProcessHandle.current().info().command().orElse("java"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                FlatFsCrashWriter.class.getName(), repo.toString(), Long.toString(42 + round), Boolean.toString(sync));
        pb.redirectErrorStream(true);
        Process child = pb.start();
        CountDownLatch enough = new CountDownLatch(25);
        List<String> other = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("PUT ")) {
                        acknowledged.add(Cid.parse(line.substring(4)));
                        enough.countDown();
                    } else if (!line.equals("OPEN")) {
                        synchronized (other) {
                            other.add(line);
                        }
                    }
                }
            } catch (Exception ignored) {
                // the pipe breaks when the child dies
            }
        });
        reader.start();
        try {
            boolean reached = enough.await(90, TimeUnit.SECONDS);
            assertThat(reached).as("child made 25 puts; its other output: %s", other).isTrue();
            // a random pause decouples the kill from the put that was just acknowledged
            Thread.sleep(ThreadLocalRandom.current().nextInt(300));
            assertThat(child.isAlive()).as("child still streaming when killed").isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
        // 137 = 128 + SIGKILL: it was killed, not stopped by an error of its own
        assertThat(child.exitValue()).isEqualTo(137);
    }

    private void verifyOnDisk(Set<Cid> acknowledged) throws Exception {
        Path flatfs = repo.resolve("blocks");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(flatfs)) {
            files = walk.filter(p -> p.toString().endsWith(".data") && !p.startsWith(flatfs.resolve(".temp"))).toList();
        }
        Set<Multihash> onDisk = ConcurrentHashMap.newKeySet();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            Multihash actual = Multihash.digest(HashFunction.SHA2_256, bytes);
            String name = f.getFileName().toString();
            assertThat(Multibase.BASE32UPPER.encodeRaw(actual.toBytes()) + ".data")
                    .as("bytes of %s hash to its name", f).isEqualTo(name);
            onDisk.add(actual);
        }
        for (Cid c : acknowledged) {
            assertThat(onDisk).as("acknowledged put %s is on disk", c).contains(c.multihash());
        }

        try (FlatFsBlockstore store = FlatFsBlockstore.open(repo, FlatFsOptions.defaults());
                Blockstore validating = new ValidatingBlockstore(store)) {
            try (Stream<Path> temp = Files.list(flatfs.resolve(".temp"))) {
                assertThat(temp.toList()).as(".temp emptied on open").isEmpty();
            }
            Set<Cid> listed;
            try (Stream<Cid> keys = store.allKeys()) {
                listed = keys.collect(Collectors.toSet());
            }
            assertThat(listed).hasSize(files.size());
            for (Cid c : acknowledged) {
                assertThat(validating.get(c).cid()).isEqualTo(c);
            }
        }
    }
}
