package io.cairn.bench.trace;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The on-disk layouts of the access traces the simulator replays. Every format yields a sequence
 * of {@code long} keys; text keys that are not integers are hashed to 64 bits (see {@link #KEYS}).
 */
public enum TraceFormat {
    /** LIRS paper traces: one integer per line; blank lines and {@code *} lines are skipped. */
    LIRS(false) {
        @Override
        void parseLine(String line, KeySink sink) {
            if (line.equals("*")) {
                return;
            }
            sink.accept(Long.parseLong(line));
        }
    },
    /** UCSD address traces: {@code l|s 0xADDR n}; the key is the hex address. */
    ADDRESS(false) {
        @Override
        void parseLine(String line, KeySink sink) {
            String[] f = line.split("\\s+");
            if (f.length < 2 || !(f[1].startsWith("0x") || f[1].startsWith("0X"))) {
                throw new IllegalArgumentException("expected 'l|s 0xADDR n'");
            }
            sink.accept(Long.parseUnsignedLong(f[1].substring(2), 16));
        }
    },
    /** ARC paper traces: {@code start count _ _}; each line stands for count consecutive keys. */
    ARC(false) {
        @Override
        void parseLine(String line, KeySink sink) {
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException("expected 'start count ...'");
            }
            long start = Long.parseLong(f[0]);
            long count = Long.parseLong(f[1]);
            if (count < 0) {
                throw new IllegalArgumentException("negative count " + count);
            }
            for (long k = 0; k < count; k++) {
                sink.accept(start + k);
            }
        }
    },
    /** cache2k benchmark traces: big-endian signed 32-bit keys. */
    CACHE2K(true) {
        @Override
        void readBinary(DataInputStream in, String source, KeySink sink) throws IOException {
            readFixed(in, source, 4, sink, false);
        }
    },
    /** CloudPhysics traces: big-endian unsigned 32-bit keys. */
    CLOUD_PHYSICS(true) {
        @Override
        void readBinary(DataInputStream in, String source, KeySink sink) throws IOException {
            readFixed(in, source, 4, sink, true);
        }
    },
    /** Corda and Scarab traces: big-endian 64-bit keys. */
    INT64(true) {
        @Override
        void readBinary(DataInputStream in, String source, KeySink sink) throws IOException {
            readFixed(in, source, 8, sink, false);
        }
    },
    /**
     * One key of any form per line. Decimal integers are taken as they are; anything else is
     * hashed to 64 bits (FNV-1a followed by a murmur finaliser), where a collision among a million
     * distinct keys has odds of about 1 in 3&times;10<sup>7</sup>.
     */
    KEYS(false) {
        @Override
        void parseLine(String line, KeySink sink) {
            sink.accept(keyOf(line));
        }
    },
    /**
     * AdaptSize request sample: {@code time id size}. The key is the id; the size is ignored
     * because the simulator counts entries, not bytes.
     */
    ADAPT_SIZE(false) {
        @Override
        void parseLine(String line, KeySink sink) {
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException("expected 'time id size'");
            }
            sink.accept(keyOf(f[1]));
        }
    };

    private final boolean binary;

    TraceFormat(boolean binary) {
        this.binary = binary;
    }

    /** The command-line name: lower case, {@code _} kept (e.g. {@code cloud_physics}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Looks a format up by its command-line name; the error lists the names that exist. */
    public static TraceFormat byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (TraceFormat f : values()) {
            if (f.cliName().equals(n)) {
                return f;
            }
        }
        StringBuilder known = new StringBuilder();
        for (TraceFormat f : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(f.cliName());
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "' (known: " + known + ")");
    }

    /**
     * Reads every key from already-decompressed bytes. {@code source} names the input in error
     * messages (file and, for text, line number).
     */
    public void read(InputStream in, String source, KeySink sink) throws IOException {
        if (binary) {
            readBinary(new DataInputStream(in), source, sink);
            return;
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        long lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                parseLine(s, sink);
            } catch (IllegalArgumentException e) {
                throw new TraceFormatException(source + " line " + lineNo + ": not a " + cliName()
                        + " trace line '" + abbreviate(s) + "' (" + e.getMessage() + ")", e);
            }
        }
    }

    void parseLine(String line, KeySink sink) {
        throw new UnsupportedOperationException(name() + " is binary");
    }

    void readBinary(DataInputStream in, String source, KeySink sink) throws IOException {
        throw new UnsupportedOperationException(name() + " is text");
    }

    static void readFixed(DataInputStream in, String source, int width, KeySink sink, boolean unsigned) throws IOException {
        byte[] buf = new byte[width * 8192];
        long offset = 0;
        while (true) {
            int n = in.readNBytes(buf, 0, buf.length);
            if (n == 0) {
                return;
            }
            if (n % width != 0 && n < buf.length) {
                throw new TraceFormatException(source + ": binary trace ends with " + (n % width)
                        + " stray bytes after offset " + (offset + n - n % width)
                        + "; records are " + width + " bytes wide", new EOFException());
            }
            for (int i = 0; i < n; i += width) {
                long v = 0;
                for (int b = 0; b < width; b++) {
                    v = (v << 8) | (buf[i + b] & 0xff);
                }
                if (width == 4) {
                    v = unsigned ? v & 0xffff_ffffL : (int) v;
                }
                sink.accept(v);
            }
            offset += n;
        }
    }

    static long keyOf(String token) {
        if (isDecimal(token)) {
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException overflow) {
                // a long run of digits: fall through and hash it like any other string
            }
        }
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < token.length(); i++) {
            h ^= token.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static boolean isDecimal(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() > 19 + start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** Receives keys as they are parsed. */
    @FunctionalInterface
    public interface KeySink {
        void accept(long key);
    }
}
