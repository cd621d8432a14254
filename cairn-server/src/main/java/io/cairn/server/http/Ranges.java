package io.cairn.server.http;

/** A single HTTP byte range (RFC 9110 §14) over a body of known length. */
public final class Ranges {
    public static final long[] UNSATISFIABLE = new long[0];

    private Ranges() {
    }

    /**
     * @return null to send the whole body (no header, several ranges, or a malformed header, which
     *         RFC 9110 says to ignore), {@link #UNSATISFIABLE}, or {first, last} inclusive
     */
    public static long[] parse(String header, long length) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || length == 0) {
                    return UNSATISFIABLE;
                }
                return new long[] {Math.max(0, length - suffix), length - 1};
            }
            long first = Long.parseLong(a);
            if (first < 0) {
                return null;
            }
            // An open range ("N-") starting at or past the end is unsatisfiable (416), so check
            // the start before defaulting the end to length - 1, which would fall below it.
            if (b.isEmpty()) {
                return first >= length ? UNSATISFIABLE : new long[] {first, length - 1};
            }
            long last = Long.parseLong(b);
            if (last < first) {
                return null;
            }
            if (first >= length) {
                return UNSATISFIABLE;
            }
            return new long[] {first, Math.min(last, length - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
