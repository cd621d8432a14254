package io.cairn.cid;

/**
 * Big-number bases (base10, base36, base58): the data is one unsigned big-endian number written in
 * the alphabet, with each leading zero byte kept as one leading zero digit so that leading zeros
 * survive a round trip. Conversion is quadratic in the length, which is why decoding caps its input.
 */
final class BaseX implements Codec {
    /**
     * Longest text decoded. These bases carry CIDs and keys (under 100 characters); the cap keeps a
     * hostile multi-megabyte string from costing seconds of quadratic arithmetic.
     */
    static final int MAX_DECODE_CHARS = 16 * 1024;

    private final char[] alphabet;
    private final int[] values;
    private final int base;

    private BaseX(String alphabet, boolean caseInsensitive) {
        this.alphabet = alphabet.toCharArray();
        this.values = Codec.table(alphabet, caseInsensitive);
        this.base = alphabet.length();
    }

    static BaseX of(String alphabet, boolean caseInsensitive) {
        return new BaseX(alphabet, caseInsensitive);
    }

    @Override
    public void encode(byte[] data, StringBuilder out) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // log(256)/log(base) digits per byte; one spare digit beyond the ceiling absorbs rounding.
        int[] digits = new int[(int) ((data.length - zeros) * Math.log(256) / Math.log(base)) + 2];
        int len = 0;
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xFF;
            for (int j = 0; j < len; j++) {
                carry += digits[j] << 8;
                digits[j] = carry % base;
                carry /= base;
            }
            while (carry > 0) {
                digits[len++] = carry % base;
                carry /= base;
            }
        }
        for (int i = 0; i < zeros; i++) {
            out.append(alphabet[0]);
        }
        for (int i = len - 1; i >= 0; i--) {
            out.append(alphabet[digits[i]]);
        }
    }

    @Override
    public byte[] decode(CharSequence text, int from) throws Problem {
        int len = text.length();
        if (len - from > MAX_DECODE_CHARS) {
            throw new Problem((len - from) + " characters is over the " + MAX_DECODE_CHARS
                    + "-character limit for big-number bases");
        }
        int zeros = 0;
        int[] bytes = new int[len - from];
        int n = 0;
        boolean leading = true;
        for (int i = from; i < len; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? values[c] : -1;
            if (v < 0) {
                throw Problem.badChar(text, i);
            }
            if (leading && v == 0) {
                zeros++;
                continue;
            }
            leading = false;
            int carry = v;
            for (int j = 0; j < n; j++) {
                carry += bytes[j] * base;
                bytes[j] = carry & 0xFF;
                carry >>>= 8;
            }
            while (carry > 0) {
                bytes[n++] = carry & 0xFF;
                carry >>>= 8;
            }
        }
        byte[] out = new byte[zeros + n];
        for (int i = 0; i < n; i++) {
            out[zeros + i] = (byte) bytes[n - 1 - i];
        }
        return out;
    }
}
