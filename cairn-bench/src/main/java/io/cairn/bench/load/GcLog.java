package io.cairn.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads pauses out of a unified GC log written with {@code -Xlog:gc:file=...:uptime,level,tags}.
 * G1, Parallel and Serial log one line per pause, e.g.
 * {@code [12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->12M(128M) 3.456ms};
 * the heap after the pause is the number after {@code ->}. ZGC's pauses are too short to log at
 * this tag set; its lines still give the heap after each cycle.
 */
public final class GcLog {
    private static final Pattern LINE = Pattern.compile(
            "^\\[(?<up>[0-9.]+)s\\].*?GC\\(\\d+\\)\\s+(?<what>.*?)\\s+(?:(?<before>\\d+)(?<bu>[KMG])->(?<after>\\d+)(?<au>[KMG])\\(\\d+[KMG]\\)\\s+)?(?<ms>[0-9.]+)ms\\s*$");

    private GcLog() {
    }

    /**
     * One logged collection event.
     *
     * @param uptimeSeconds  JVM uptime when it was logged
     * @param description    e.g. "Pause Young (Normal) (G1 Evacuation Pause)"
     * @param heapAfterBytes heap occupancy after it, -1 when the line does not say
     * @param millis         its duration
     */
    public record Event(double uptimeSeconds, String description, long heapAfterBytes, double millis) {
        /** Stop-the-world pauses; concurrent phases are logged with durations too but do not stop threads. */
        public boolean isPause() {
            return description.startsWith("Pause");
        }
    }

    public static List<Event> read(Path file) throws IOException {
        List<Event> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            Event e = parse(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    static Event parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return null;
        }
        long after = m.group("after") == null ? -1 : Long.parseLong(m.group("after")) * unit(m.group("au"));
        return new Event(Double.parseDouble(m.group("up")), m.group("what").strip(), after,
                Double.parseDouble(m.group("ms")));
    }

    private static long unit(String u) {
        return switch (u) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            default -> throw new IllegalArgumentException("unit " + u);
        };
    }
}
