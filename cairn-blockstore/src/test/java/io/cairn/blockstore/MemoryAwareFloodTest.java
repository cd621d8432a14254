package io.cairn.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same write flood, in a child JVM with a 128 MiB heap, through a plain unbounded cache and
 * through the memory-aware stack: the first dies of OutOfMemoryError; the second refuses uploads
 * while the ones it admitted are stored (its writers want more in flight than the heap holds, so
 * refusals are certain), loses none it acknowledged, and returns to level 0 by itself.
 */
class MemoryAwareFloodTest {
    private static final int BLOCKS_PER_WRITER = 600; // 4 writers x 600 x 128 KiB = 300 MiB, over twice the heap

    @Test
    void unboundedCacheBaselineDiesOfOutOfMemory(@TempDir Path dir) throws Exception {
        // ExitOnOutOfMemoryError makes the first OutOfMemoryError, on whichever thread and however
        // it would otherwise surface (a full heap can fail the handler that reports it), end the
        // child with exit code 3 and the JVM's own message.
        Run run = runChild("baseline", dir);
        assertThat(run.exitCode).as("exit code; output:%n%s", run.output).isEqualTo(3);
        assertThat(run.output).contains("Terminating due to java.lang.OutOfMemoryError");
    }

    @Test
    void memoryAwareStackRefusesInsteadOfDyingAndLosesNothing(@TempDir Path dir) throws Exception {
        Run run = runChild("governed", dir);
        assertThat(run.exitCode).as("exit code (3: OutOfMemoryError); output:%n%s", run.output).isZero();
        Map<String, String> r = run.result;
        assertThat(r).as("the child's RESULT line; output:%n%s", run.output).isNotEmpty();
        long total = (long) FloodChild.WRITERS * BLOCKS_PER_WRITER;
        assertThat(Long.parseLong(r.get("refused"))).as("uploads refused with MemoryPressureException").isPositive();
        assertThat(Long.parseLong(r.get("acked")) + Long.parseLong(r.get("givenUp")))
                .as("every block is either stored or given up after %d attempts", FloodChild.ATTEMPTS).isEqualTo(total);
        // Admitted uploads must get through while later ones are refused; when the store refused
        // them too, nothing at all was stored (acked=0).
        assertThat(Long.parseLong(r.get("acked"))).as("blocks stored despite the refusals").isGreaterThan(total / 2);
        assertThat(r.get("wrong")).as("acknowledged blocks read back wrong").isEqualTo("0");
        assertThat(r.get("verified")).as("acknowledged blocks read back right").isEqualTo(r.get("acked"));
        assertThat(Integer.parseInt(r.get("peak"))).as("peak level").isGreaterThanOrEqualTo(2);
        assertThat(r.get("levelAfterFlood")).as("level once the flood stopped").isEqualTo("0");
    }

    private record Run(int exitCode, String output, Map<String, String> result) {
    }

    private static Run runChild(String mode, Path dir) throws IOException, InterruptedException {
        String java = System.getProperty("cairn.test.java", ProcessHandle.current().info().command().orElse("java"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), FloodChild.class.getName(),
                mode, dir.toString(), Integer.toString(BLOCKS_PER_WRITER)));
        Path log = Files.createTempFile("flood-" + mode, ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("flood child (" + mode + ") did not finish in 3 minutes:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Map<String, String> result = new HashMap<>();
            out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).ifPresent(line -> {
                for (String kv : line.substring(7).split(" ")) {
                    String[] parts = kv.split("=", 2);
                    result.put(parts[0], parts[1]);
                }
            });
            return new Run(p.exitValue(), out, result);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
