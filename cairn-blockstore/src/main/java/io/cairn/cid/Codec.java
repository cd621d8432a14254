package io.cairn.cid;

import java.io.Serial;

/** One base's alphabet arithmetic, without the multibase prefix. */
interface Codec {
    void encode(byte[] data, StringBuilder out);

    /**
     * Decodes {@code text} from index {@code from} on; positions in problems are indexes into
     * {@code text}, so they stay right when the caller quotes the whole prefixed input.
     *
     * @throws Problem describing what is wrong, without the input (the caller names it)
     */
    byte[] decode(CharSequence text, int from) throws Problem;

    /** A decoding failure; {@link Multibase} turns it into an {@link InvalidCidException} naming the input. */
    final class Problem extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message, null, false, false);
        }

        static Problem badChar(CharSequence text, int index) {
            char c = text.charAt(index);
            String shown = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate(c)
                    ? String.format("U+%04X", (int) c) : "'" + c + "'";
            return new Problem("character " + shown + " at position " + index + " is outside the alphabet");
        }
    }

    /** Lookup table from character to digit value, -1 outside the alphabet. */
    static int[] table(String alphabet, boolean caseInsensitive) {
        int[] t = new int[128];
        java.util.Arrays.fill(t, -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            t[c] = i;
            if (caseInsensitive) {
                t[Character.toLowerCase(c)] = i;
                t[Character.toUpperCase(c)] = i;
            }
        }
        return t;
    }
}
