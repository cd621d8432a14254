package io.cairn.unixfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * POSIX.1-2001 (pax) tar headers: a ustar header of 512 bytes, preceded by a pax extended header
 * ({@code typeflag 'x'}) when a value does not fit ustar's fields — a name or link target over 100
 * bytes or not plain ASCII, a size of 8 GiB or more, a time before 1970 or after 2242. GNU tar,
 * bsdtar and Go's archive/tar read both.
 */
final class TarHeader {
    static final int BLOCK = 512;
    static final byte FILE = '0';
    static final byte SYMLINK = '2';
    static final byte DIRECTORY = '5';
    private static final byte PAX = 'x';
    /** Largest value of an 11-digit octal field (size, mtime). */
    private static final long MAX_OCTAL_11 = 077777777777L;

    private TarHeader() {
    }

    /**
     * Writes the header(s) of one entry. Content (for a file) follows, padded by {@link #pad}.
     *
     * @param name  the entry's path inside the archive (a directory's without the trailing '/')
     * @param link  a symlink's target, else null
     * @param mtime seconds since the epoch
     */
    static void write(OutputStream out, byte type, String name, long size, int mode, long mtime, String link)
            throws IOException {
        String fullName = type == DIRECTORY ? name + "/" : name;
        byte[] nameBytes = fullName.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link == null ? new byte[0] : link.getBytes(StandardCharsets.UTF_8);
        StringBuilder pax = new StringBuilder();
        boolean nameFits = fits(fullName, nameBytes);
        if (!nameFits) {
            record(pax, "path", fullName);
        }
        boolean linkFits = fits(link == null ? "" : link, linkBytes);
        if (!linkFits) {
            record(pax, "linkpath", link);
        }
        boolean sizeFits = size <= MAX_OCTAL_11;
        if (!sizeFits) {
            record(pax, "size", Long.toString(size));
        }
        boolean mtimeFits = mtime >= 0 && mtime <= MAX_OCTAL_11;
        if (!mtimeFits) {
            record(pax, "mtime", Long.toString(mtime));
        }
        if (!pax.isEmpty()) {
            byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
            byte[] h = ustar(PAX, ascii("PaxHeaders/" + lastSegment(fullName)), records.length, 0644, 0, null);
            out.write(h);
            out.write(records);
            pad(out, records.length);
        }
        out.write(ustar(type, nameFits ? nameBytes : ascii(fullName), sizeFits ? size : 0, mode,
                mtimeFits ? mtime : 0, linkFits ? linkBytes : ascii(link)));
    }

    /** Zero bytes up to the next 512-byte boundary after {@code written} bytes of content. */
    static void pad(OutputStream out, long written) throws IOException {
        int rest = (int) (written % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    /** The end of an archive: two zero blocks. */
    static void end(OutputStream out) throws IOException {
        out.write(new byte[2 * BLOCK]);
    }

    private static boolean fits(String s, byte[] utf8) {
        return utf8.length <= 100 && utf8.length == s.length();
    }

    /** One pax record, {@code "%d %s=%s\n"}, whose leading length counts the whole record, itself included. */
    private static void record(StringBuilder pax, String key, String value) {
        int body = 3 + key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len++;
        }
        pax.append(len).append(' ').append(key).append('=').append(value).append('\n');
    }

    /** A stand-in for the ustar field when pax holds the real value: the name's ASCII, cut to 100 bytes. */
    private static byte[] ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '_');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String lastSegment(String name) {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return n.substring(n.lastIndexOf('/') + 1);
    }

    private static byte[] ustar(byte type, byte[] name, long size, int mode, long mtime, byte[] link) {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0); // uid
        octal(h, 116, 8, 0); // gid
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = type;
        if (link != null) {
            System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
        }
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        // The checksum is computed with its own field as eight spaces, then written as six octal digits, NUL, space.
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** {@code width - 1} zero-padded octal digits and a NUL. */
    private static void octal(byte[] h, int at, int width, long v) {
        String s = Long.toOctalString(v);
        int digits = width - 1;
        if (s.length() > digits) {
            throw new IllegalArgumentException(v + " does not fit a " + width + "-byte tar field");
        }
        for (int i = 0; i < digits; i++) {
            int from = i - (digits - s.length());
            h[at + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        h[at + digits] = 0;
    }
}
