package io.cairn.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link PressureChild} in a fresh JVM with the test classpath and returns what it printed. */
final class ChildJvm {
    record Result(int exitCode, List<String> lines, String stderr) {
        List<String> linesStarting(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix + " ")).toList();
        }

        /** The value after "RESULT key"; fails if the child never reported it. */
        String result(String key) {
            for (String l : lines) {
                if (l.startsWith("RESULT " + key + " ")) {
                    return l.substring(("RESULT " + key + " ").length());
                }
            }
            throw new AssertionError("child did not report " + key + "; output:\n" + String.join("\n", lines)
                    + "\nstderr:\n" + stderr);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + String.join("\n", lines) + "\nstderr:\n" + stderr;
        }
    }

    private ChildJvm() {
    }

    static String javaBinary() {
        String fromSurefire = System.getProperty("cairn.test.java");
        if (fromSurefire != null && Files.isExecutable(Path.of(fromSurefire))) {
            return fromSurefire;
        }
        return ProcessHandle.current().info().command().orElseThrow();
    }

    static Result run(List<String> jvmArgs, String scenario, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PressureChild.class.getName());
        cmd.add(scenario);
        Path out = Files.createTempFile("cairn-child", ".out");
        Path err = Files.createTempFile("cairn-child", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("child " + scenario + " " + jvmArgs + " did not finish in " + timeoutSeconds
                        + " s; output so far:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
