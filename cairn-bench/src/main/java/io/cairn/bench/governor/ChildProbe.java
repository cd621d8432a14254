package io.cairn.bench.governor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A probe ({@link GovernorProbe}, {@link MemoryProbe}) in a child JVM on this JVM's class path. The
 * probe reports lines {@code RESULT ...} on stdout; everything else it prints is echoed as
 * {@code "  child: ..."}.
 */
final class ChildProbe {
    private ChildProbe() {
    }

    /** Starts {@code java <jvmOptions> --sun-misc-unsafe-memory-access=allow -cp <ours> <probe> <args>}. */
    static Process start(List<String> jvmOptions, Class<?> probe, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                probe.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /**
     * Reads the probe's output to the end, handing each {@code RESULT } line to {@code onResult} and
     * echoing the others; returns the probe's exit code.
     */
    static int relay(Process p, Consumer<String> onResult) throws IOException, InterruptedException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    onResult.accept(line);
                } else {
                    System.out.println("  child: " + line);
                }
            }
        }
        return p.waitFor();
    }
}
