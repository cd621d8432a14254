package io.cairn.server.gateway;

/**
 * {@code entity-bytes=from:to} of the trustless-gateway spec: inclusive offsets, {@code to} may be
 * {@code *} (end of file), either may be negative (counted from the end).
 *
 * @param to the last byte, or {@link Long#MAX_VALUE} for {@code *}
 */
public record EntityBytes(long from, long to, String text) {
    static final long END = Long.MAX_VALUE;

    static EntityBytes parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        int colon = v.indexOf(':');
        if (colon < 0) {
            throw GatewayException.badRequest("entity-bytes must be from:to, got '" + value + "'");
        }
        long from = number(v.substring(0, colon), value, false);
        long to = number(v.substring(colon + 1), value, true);
        if (from >= 0 && to >= 0 && to != END && to < from) {
            throw GatewayException.badRequest("entity-bytes " + value + " ends before it starts");
        }
        return new EntityBytes(from, to, v);
    }

    private static long number(String s, String whole, boolean starAllowed) {
        String t = s.trim();
        if (starAllowed && t.equals("*")) {
            return END;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("entity-bytes must be from:to with whole numbers"
                    + (starAllowed ? " (to may be *)" : "") + ", got '" + whole + "'");
        }
    }

    /**
     * The inclusive range over an entity of {@code size} bytes, clamped to it; {@code [0, -1]}-style
     * empty ranges ({@code last < first}) mean no content blocks.
     */
    long[] over(long size) {
        long first = from < 0 ? Math.max(0, size + from) : from;
        long last = to == END ? size - 1 : to < 0 ? size + to : Math.min(to, size - 1);
        return new long[] {first, last};
    }

    /** Whether the range lies entirely outside an entity of {@code size} bytes (the spec's 400 case). */
    boolean outside(long size) {
        long first = from < 0 ? size + from : from;
        return size > 0 && first >= size && from >= 0;
    }
}
