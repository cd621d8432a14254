package io.cairn.bench.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A whole access trace in memory: a name and its keys in request order. Traces are held as a
 * primitive array because the clairvoyant policy needs to look ahead, and because the largest
 * trace here (5 M events) is then only 40 MB.
 */
public record Trace(String name, long[] keys) {

    /** Reads {@code file} (compressed or not) as {@code format}. */
    public static Trace load(Path file, TraceFormat format) throws IOException {
        LongArray keys = new LongArray(1 << 16);
        try (InputStream in = Compression.open(file)) {
            format.read(in, file.toString(), keys::add);
        }
        if (keys.size() == 0) {
            throw new TraceFormatException(file + ": no keys read as a " + format.cliName() + " trace", null);
        }
        return new Trace(TraceNames.traceName(file), keys.toArray());
    }

    public int length() {
        return keys.length;
    }

    /** The number of distinct keys (sorts a copy: O(n log n), fine at trace sizes). */
    public int distinctKeys() {
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        int distinct = sorted.length == 0 ? 0 : 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        return distinct;
    }

    /** A growable primitive long array. */
    static final class LongArray {
        private long[] data;
        private int size;

        LongArray(int capacity) {
            data = new long[capacity];
        }

        void add(long v) {
            if (size == data.length) {
                if (data.length == Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("trace longer than " + size + " events");
                }
                data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8L, data.length * 2L));
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
