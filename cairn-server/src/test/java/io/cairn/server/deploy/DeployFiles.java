package io.cairn.server.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the repository's deploy/ files are, and the tools (promtool, prometheus) that check them. */
final class DeployFiles {
    private DeployFiles() {
    }

    /** The repository root: the first directory up from the working directory that holds deploy/. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no deploy/ directory above " + Path.of("").toAbsolutePath());
    }

    static Path alerts() {
        return root().resolve("deploy/prometheus/cairn-alerts.yml");
    }

    static Path alertTests() {
        return root().resolve("deploy/prometheus/cairn-alerts.test.yml");
    }

    static Path dashboard() {
        return root().resolve("deploy/grafana/cairn-dashboard.json");
    }

    static Path operationsDoc() {
        return root().resolve("docs/OPERATIONS.md");
    }

    /** An executable on PATH, or in /usr/bin and /usr/local/bin. */
    static Optional<Path> tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs a command to completion (at most {@code seconds}) and returns its exit code and output. */
    static Result run(int seconds, Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + seconds + " s");
            }
            out = in.readAllBytes();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record Result(int exit, String output) {
    }

    private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\S+)", Pattern.MULTILINE);

    /** The names of the alerts in the rules file, in order. */
    static List<String> alertNames() throws IOException {
        Matcher m = ALERT.matcher(Files.readString(alerts()));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static final Set<String> PROMQL_WORDS = Set.of("sum", "by", "rate", "increase", "irate", "max", "min",
            "avg", "count", "histogram_quantile", "max_over_time", "min_over_time", "avg_over_time", "and", "or",
            "unless", "offset", "without", "on", "ignoring", "group_left", "group_right", "le", "instance", "bool",
            "delta", "deriv", "abs", "clamp_min", "clamp_max", "topk", "bottomk", "label_values", "vector", "time");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /**
     * The metric names a PromQL expression reads: identifiers outside label matchers, braces and
     * quoted strings that are not PromQL functions, keywords or label names in a grouping clause.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"[^\"]*\"", "\"\"")      // strings
                .replaceAll("\\{[^}]*}", "{}")                  // label matchers
                .replaceAll("\\[[^]]*]", "[]")                  // range selectors
                .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", "$1()"); // grouping labels
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int end = m.end();
            boolean function = end < s.length() && s.charAt(end) == '(';
            boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(id) && !id.matches("\\d.*|[smhdwy]|e\\d*")) {
                names.add(id);
            }
        }
        return names;
    }
}
