package io.cairn.pin;

import io.cairn.cid.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM changes pins without pause and is killed with SIGKILL mid-stream, three times over the
 * same file. After each kill the file must open (never damaged), hold every pin the child saw added
 * and not removed, and hold no pin the child saw removed.
 */
class PinCrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLosesNoAcknowledgedPin() throws Exception {
        Path file = dir.resolve("pins");
        Set<Cid> live = new HashSet<>();
        Set<Cid> removed = new HashSet<>();
        Set<Cid> unknown = new HashSet<>(); // changes in flight at a kill: either outcome is correct
        for (int round = 0; round < 3; round++) {
            killChildMidStream(file, round, live, removed, unknown);
            PinStore reopened = PinStore.open(file);
            Set<Cid> onDisk = new HashSet<>(reopened.recursive());
            onDisk.addAll(reopened.direct());
            assertThat(onDisk).as("round %d: every acknowledged pin survived", round).containsAll(live);
            for (Cid gone : removed) {
                assertThat(onDisk).as("round %d: an acknowledged removal stayed removed", round).doesNotContain(gone);
            }
            Set<Cid> allowed = new HashSet<>(live);
            allowed.addAll(unknown);
            assertThat(allowed).as("round %d: nothing on disk that was never added", round).containsAll(onDisk);
        }
    }

    private void killChildMidStream(Path file, int round, Set<Cid> live, Set<Cid> removed, Set<Cid> unknown)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PinCrashWriter.class.getName(), file.toString(),
                Integer.toString(round))
                .redirectErrorStream(true).start();
        CountDownLatch enough = new CountDownLatch(30);
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("ADD ")) {
                        enough.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the pipe breaks when the child dies
            }
        });
        reader.start();
        try {
            assertThat(enough.await(90, TimeUnit.SECONDS)).as("child made 30 pins; output %s", lines).isTrue();
            Thread.sleep(ThreadLocalRandom.current().nextInt(200));
            assertThat(child.isAlive()).as("child still pinning when killed").isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
        assertThat(child.exitValue()).isEqualTo(137);
        Cid inFlight = null;
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith("ADDING ") || line.startsWith("DELETING ")) {
                    inFlight = Cid.parse(line.substring(line.indexOf(' ') + 1));
                } else if (line.startsWith("ADD ")) {
                    live.add(Cid.parse(line.substring(4)));
                    inFlight = null;
                } else if (line.startsWith("DEL ")) {
                    Cid c = Cid.parse(line.substring(4));
                    live.remove(c);
                    removed.add(c);
                    inFlight = null;
                }
            }
        }
        if (inFlight != null) {
            live.remove(inFlight);
            removed.remove(inFlight);
            unknown.add(inFlight);
        }
    }
}
