package io.cairn.cid;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Content-type codes of the multicodec table that Cairn names. A CID with any other codec is still
 * a valid key; it simply has no name here.
 */
public final class Multicodec {
    public static final long IDENTITY = 0x00;
    public static final long CBOR = 0x51;
    public static final long RAW = 0x55;
    public static final long DAG_PB = 0x70;
    public static final long DAG_CBOR = 0x71;
    public static final long LIBP2P_KEY = 0x72;
    public static final long GIT_RAW = 0x78;
    public static final long DAG_JOSE = 0x85;
    public static final long DAG_COSE = 0x86;
    public static final long DAG_JSON = 0x0129;
    public static final long JSON = 0x0200;

    private static final Map<String, Long> BY_NAME = Map.ofEntries(
            Map.entry("identity", IDENTITY),
            Map.entry("cbor", CBOR),
            Map.entry("raw", RAW),
            Map.entry("dag-pb", DAG_PB),
            Map.entry("dag-cbor", DAG_CBOR),
            Map.entry("libp2p-key", LIBP2P_KEY),
            Map.entry("git-raw", GIT_RAW),
            Map.entry("dag-jose", DAG_JOSE),
            Map.entry("dag-cose", DAG_COSE),
            Map.entry("dag-json", DAG_JSON),
            Map.entry("json", JSON));

    private Multicodec() {
    }

    public static Optional<String> name(long code) {
        for (Map.Entry<String, Long> e : BY_NAME.entrySet()) {
            if (e.getValue() == code) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The code for a table name such as {@code dag-pb} (case-insensitive). */
    public static long code(String name) {
        Long code = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (code == null) {
            throw new InvalidCidException("unknown multicodec " + InvalidCidException.quote(name)
                    + "; known: " + BY_NAME.keySet().stream().sorted().toList());
        }
        return code;
    }
}
