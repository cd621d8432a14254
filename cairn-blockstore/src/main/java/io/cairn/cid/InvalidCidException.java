package io.cairn.cid;

import java.io.Serial;

/**
 * Malformed content-addressing input: a CID, multihash, multibase string or varint that cannot be
 * decoded, or a request for an algorithm Cairn does not implement. The message always names the
 * offending input (abbreviated when long) and what is wrong with it, so a caller can hand it to a
 * user unchanged (the HTTP layer maps it to 400).
 */
public final class InvalidCidException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public InvalidCidException(String message) {
        super(message);
    }

    public InvalidCidException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Quotes user input for an error message, abbreviating it so a huge input cannot flood a log. */
    static String quote(CharSequence text) {
        if (text == null) {
            return "null";
        }
        if (text.length() <= 120) {
            return "'" + text + "'";
        }
        return "'" + text.subSequence(0, 100) + "...' (" + text.length() + " chars)";
    }

    /** Hex of input bytes for an error message, abbreviated like {@link #quote(CharSequence)}. */
    static String hex(byte[] bytes, int off, int len) {
        int shown = Math.min(len, 64);
        StringBuilder sb = new StringBuilder(shown * 2 + 24);
        for (int i = 0; i < shown; i++) {
            int b = bytes[off + i] & 0xff;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        if (shown < len) {
            sb.append("... (").append(len).append(" bytes)");
        }
        return sb.toString();
    }
}
