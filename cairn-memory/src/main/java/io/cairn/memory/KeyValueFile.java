package io.cairn.memory;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the numeric fields of a {@code key value} file ({@code memory.stat}, {@code /proc/self/status})
 * into a reused buffer and parses them in place: no lines, no strings, no boxing. The governor reads
 * these files on every evaluation, which comes most often when memory is shortest.
 *
 * <p>Not thread-safe: one instance per reading thread (the governor's monitor thread).
 */
final class KeyValueFile {
    private final Path file;
    private final byte[][] keys;
    private final long[] values;
    private byte[] buffer = new byte[8192];

    /** @param keys the field names to pick, without separator ("total_rss", "RssAnon:") */
    KeyValueFile(Path file, String... keys) {
        this.file = file;
        this.keys = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            this.keys[i] = keys[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        this.values = new long[keys.length];
    }

    Path file() {
        return file;
    }

    /**
     * Reads the file; afterwards {@link #value(int)} holds each key's number (-1 if absent). Returns false
     * when the file cannot be read. A value followed by "kB" is scaled to bytes.
     */
    boolean read() {
        java.util.Arrays.fill(values, -1);
        int length;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            length = 0;
            while (true) {
                if (length == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        parse(buffer, length, keys, values);
        return true;
    }

    long value(int index) {
        return values[index];
    }

    /** Parses {@code len} bytes of "key value[ kB]" lines; package-private for tests. */
    static void parse(byte[] buf, int len, byte[][] keys, long[] out) {
        int pos = 0;
        while (pos < len) {
            int lineEnd = pos;
            while (lineEnd < len && buf[lineEnd] != '\n') {
                lineEnd++;
            }
            for (int k = 0; k < keys.length; k++) {
                byte[] key = keys[k];
                if (lineEnd - pos > key.length && matches(buf, pos, key)
                        && (buf[pos + key.length] == ' ' || buf[pos + key.length] == '\t')) {
                    out[k] = number(buf, pos + key.length, lineEnd);
                    break;
                }
            }
            pos = lineEnd + 1;
        }
    }

    private static boolean matches(byte[] buf, int at, byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (buf[at + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static long number(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        long v = 0;
        boolean any = false;
        while (i < to && buf[i] >= '0' && buf[i] <= '9') {
            v = v * 10 + (buf[i] - '0');
            any = true;
            i++;
        }
        if (!any) {
            return -1;
        }
        while (i < to && buf[i] == ' ') {
            i++;
        }
        if (i + 1 < to && buf[i] == 'k' && buf[i + 1] == 'B') {
            v *= 1024;
        }
        return v;
    }
}
