package io.cairn.cid;

import java.util.Locale;

/**
 * The multibase encodings Cairn reads and writes: a one-character prefix naming the base, then the
 * data in that base. The bit-packing bases follow RFC 4648 (and its octal and binary relatives);
 * base10, base36 and base58 treat the data as one big number and keep leading zero bytes as leading
 * zero digits. base256emoji, base45 and proquint are not supported.
 *
 * <p>Decoding is strict: a character outside the alphabet, padding where the base has none or
 * missing where it has some, an impossible length or non-zero trailing bits all raise
 * {@link InvalidCidException}. The bases the multibase table calls case-insensitive (base16,
 * the base32 family and base36) decode either case.
 */
public enum Multibase {
    BASE2('0', "base2", Rfc4648.of("01", 1, 0, false)),
    BASE8('7', "base8", Rfc4648.of("01234567", 3, 0, false)),
    BASE10('9', "base10", BaseX.of("0123456789", false)),
    BASE16('f', "base16", Rfc4648.of("0123456789abcdef", 4, 0, true)),
    BASE16UPPER('F', "base16upper", Rfc4648.of("0123456789ABCDEF", 4, 0, true)),
    BASE32('b', "base32", Rfc4648.of("abcdefghijklmnopqrstuvwxyz234567", 5, 0, true)),
    BASE32UPPER('B', "base32upper", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5, 0, true)),
    BASE32PAD('c', "base32pad", Rfc4648.of("abcdefghijklmnopqrstuvwxyz234567", 5, 8, true)),
    BASE32PADUPPER('C', "base32padupper", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5, 8, true)),
    BASE32HEX('v', "base32hex", Rfc4648.of("0123456789abcdefghijklmnopqrstuv", 5, 0, true)),
    BASE32HEXUPPER('V', "base32hexupper", Rfc4648.of("0123456789ABCDEFGHIJKLMNOPQRSTUV", 5, 0, true)),
    BASE32HEXPAD('t', "base32hexpad", Rfc4648.of("0123456789abcdefghijklmnopqrstuv", 5, 8, true)),
    BASE32HEXPADUPPER('T', "base32hexpadupper", Rfc4648.of("0123456789ABCDEFGHIJKLMNOPQRSTUV", 5, 8, true)),
    BASE32Z('h', "base32z", Rfc4648.of("ybndrfg8ejkmcpqxot1uwisza345h769", 5, 0, false)),
    BASE36('k', "base36", BaseX.of("0123456789abcdefghijklmnopqrstuvwxyz", true)),
    BASE36UPPER('K', "base36upper", BaseX.of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", true)),
    BASE58BTC('z', "base58btc", BaseX.of("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", false)),
    BASE58FLICKR('Z', "base58flickr", BaseX.of("123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", false)),
    BASE64('m', "base64", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6, 0, false)),
    BASE64PAD('M', "base64pad", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6, 4, false)),
    BASE64URL('u', "base64url", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6, 0, false)),
    BASE64URLPAD('U', "base64urlpad", Rfc4648.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6, 4, false));

    private static final Multibase[] BY_PREFIX = new Multibase[128];

    static {
        for (Multibase b : values()) {
            BY_PREFIX[b.prefix] = b;
        }
    }

    private final char prefix;
    private final String multibaseName;
    private final Codec codec;

    Multibase(char prefix, String multibaseName, Codec codec) {
        this.prefix = prefix;
        this.multibaseName = multibaseName;
        this.codec = codec;
    }

    public char prefix() {
        return prefix;
    }

    /** The name in the multibase table, e.g. {@code base32}. */
    public String multibaseName() {
        return multibaseName;
    }

    /** Encodes with the multibase prefix. */
    public String encode(byte[] data) {
        StringBuilder sb = new StringBuilder(1 + data.length * 2);
        sb.append(prefix);
        codec.encode(data, sb);
        return sb.toString();
    }

    /** Encodes without a prefix. */
    public String encodeRaw(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length * 2);
        codec.encode(data, sb);
        return sb.toString();
    }

    /** Decodes text in this base that carries no prefix. */
    public byte[] decodeRaw(String text) {
        if (text == null) {
            throw new InvalidCidException("cannot decode null as " + multibaseName);
        }
        try {
            return codec.decode(text, 0);
        } catch (Codec.Problem p) {
            throw new InvalidCidException("invalid " + multibaseName + " text " + InvalidCidException.quote(text)
                    + ": " + p.getMessage());
        }
    }

    /** Decodes multibase text: the first character selects the base. */
    public static byte[] decode(String withPrefix) {
        if (withPrefix == null || withPrefix.isEmpty()) {
            throw new InvalidCidException("empty multibase text: expected a base prefix character");
        }
        Multibase base = forPrefix(withPrefix, withPrefix.charAt(0));
        try {
            return base.codec.decode(withPrefix, 1);
        } catch (Codec.Problem p) {
            throw new InvalidCidException("invalid " + base.multibaseName + " text "
                    + InvalidCidException.quote(withPrefix) + ": " + p.getMessage());
        }
    }

    /** The base for a prefix character. */
    public static Multibase forPrefix(char c) {
        return forPrefix(null, c);
    }

    private static Multibase forPrefix(String input, char c) {
        Multibase b = c < BY_PREFIX.length ? BY_PREFIX[c] : null;
        if (b != null) {
            return b;
        }
        String what = Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("U+%04X", (int) c) : "'" + c + "'";
        throw new InvalidCidException("unknown or unsupported multibase prefix " + what
                + (input == null ? "" : " in " + InvalidCidException.quote(input)));
    }

    /** The base with a multibase table name such as {@code base58btc} (case-insensitive). */
    public static Multibase byName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Multibase b : values()) {
                if (b.multibaseName.equals(n)) {
                    return b;
                }
            }
        }
        throw new InvalidCidException("unknown or unsupported multibase " + InvalidCidException.quote(name));
    }
}
