package io.cairn.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Linux says about a process: resident set size and thread count from
 * {@code /proc/<pid>/status}, open file descriptors from {@code /proc/<pid>/fd}.
 *
 * @param rssBytes resident set size (VmRSS), -1 if unknown
 * @param threads  threads of the process, -1 if unknown
 * @param openFds  open file descriptors, -1 if unknown
 */
public record ProcStats(long rssBytes, int threads, int openFds) {

    /** Reads the current figures; every field is -1 where /proc is absent or the process is gone. */
    public static ProcStats of(long pid) {
        long rss = -1;
        int threads = -1;
        int fds = -1;
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            List<String> lines = Files.readAllLines(proc.resolve("status"));
            for (String l : lines) {
                if (l.startsWith("VmRSS:")) {
                    rss = kib(l) * 1024;
                } else if (l.startsWith("Threads:")) {
                    threads = Integer.parseInt(l.substring("Threads:".length()).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux) or the process has exited: leave the -1s
        }
        try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
            fds = (int) s.count();
        } catch (IOException | RuntimeException e) {
            // as above
        }
        return new ProcStats(rss, threads, fds);
    }

    static long kib(String statusLine) {
        String v = statusLine.substring(statusLine.indexOf(':') + 1).strip();
        int space = v.indexOf(' ');
        return Long.parseLong(space < 0 ? v : v.substring(0, space));
    }
}
