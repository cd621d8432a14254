package io.cairn.bench.trace;

import com.github.luben.zstd.ZstdInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Opens a trace file, decompressing gzip, xz and zstd transparently. The container is recognised
 * by its magic bytes rather than the file name, so a renamed or extension-less file still reads;
 * anything else is passed through as plain bytes.
 */
public enum Compression {
    GZIP(new byte[] {0x1f, (byte) 0x8b}),
    XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00}),
    ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
    NONE(new byte[0]);

    private static final int BUFFER = 1 << 16;
    private final byte[] magic;

    Compression(byte[] magic) {
        this.magic = magic;
    }

    /** The container found at the start of {@code file}. */
    public static Compression detect(Path file) throws IOException {
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        for (Compression c : values()) {
            if (c != NONE && n >= c.magic.length && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
                return c;
            }
        }
        return NONE;
    }

    /** Opens {@code file} for reading its decompressed bytes, buffered. */
    public static InputStream open(Path file) throws IOException {
        Compression c = detect(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            InputStream decoded = switch (c) {
                case GZIP -> new GZIPInputStream(raw, BUFFER);
                // xz's default memory limit is unlimited; the traces use small dictionaries anyway.
                case XZ -> new XZInputStream(raw);
                case ZSTD -> new ZstdInputStream(raw);
                case NONE -> raw;
            };
            return c == NONE ? decoded : new BufferedInputStream(decoded, BUFFER);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new IOException("cannot read " + file + " as " + c + ": " + e.getMessage(), e);
        }
    }
}
