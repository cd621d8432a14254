package io.cairn.cid;

/**
 * Bit-packing bases: each character carries a fixed number of bits, most significant first (RFC
 * 4648 base16/32/64, and the multibase table's base2 and base8 which pack the same way).
 */
final class Rfc4648 implements Codec {
    private final char[] alphabet;
    private final int[] values;
    private final int bitsPerChar;
    /** Characters per padded block (8 for base32, 4 for base64); 0 when the base is unpadded. */
    private final int padBlock;

    private Rfc4648(String alphabet, int bitsPerChar, int padBlock, boolean caseInsensitive) {
        this.alphabet = alphabet.toCharArray();
        this.values = Codec.table(alphabet, caseInsensitive);
        this.bitsPerChar = bitsPerChar;
        this.padBlock = padBlock;
    }

    static Rfc4648 of(String alphabet, int bitsPerChar, int padBlock, boolean caseInsensitive) {
        return new Rfc4648(alphabet, bitsPerChar, padBlock, caseInsensitive);
    }

    @Override
    public void encode(byte[] data, StringBuilder out) {
        int start = out.length();
        int mask = (1 << bitsPerChar) - 1;
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= bitsPerChar) {
                bits -= bitsPerChar;
                out.append(alphabet[(buffer >>> bits) & mask]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out.append(alphabet[(buffer << (bitsPerChar - bits)) & mask]);
        }
        if (padBlock > 0) {
            while ((out.length() - start) % padBlock != 0) {
                out.append('=');
            }
        }
    }

    @Override
    public byte[] decode(CharSequence text, int from) throws Problem {
        int len = text.length();
        if (padBlock > 0) {
            int dataChars = len;
            while (dataChars > from && text.charAt(dataChars - 1) == '=') {
                dataChars--;
            }
            int pads = len - dataChars;
            int expected = (padBlock - (dataChars - from) % padBlock) % padBlock;
            if (pads != expected) {
                throw new Problem("bad padding: " + (dataChars - from) + " data character(s) need " + expected
                        + " '=' but " + pads + " found");
            }
            len = dataChars;
        }
        byte[] out = new byte[(int) ((long) (len - from) * bitsPerChar / 8)];
        int n = 0;
        int buffer = 0;
        int bits = 0;
        for (int i = from; i < len; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? values[c] : -1;
            if (v < 0) {
                if (c == '=') {
                    throw new Problem(padBlock > 0 ? "padding '=' at position " + i + " before the end"
                            : "padding '=' at position " + i + " but this base is unpadded");
                }
                throw Problem.badChar(text, i);
            }
            buffer = (buffer << bitsPerChar) | v;
            bits += bitsPerChar;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        if (bits >= bitsPerChar) {
            throw new Problem("impossible length: " + (len - from) + " character(s) leave " + bits
                    + " bits that cannot form a byte");
        }
        if (buffer != 0) {
            throw new Problem("non-zero trailing bits in the last character (non-canonical encoding)");
        }
        return out;
    }
}
