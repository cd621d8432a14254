package io.cairn.blockstore;

import java.util.Locale;

/**
 * The flatfs sharding function, as named in a {@code SHARDING} file, e.g.
 * {@code /repo/flatfs/shard/v1/next-to-last/2}. It maps a key to the name of its shard directory;
 * keys shorter than the shard width are padded with {@code _} exactly as go-ds-flatfs pads them, so
 * a directory written by either implementation is read by the other.
 */
record ShardFunction(Kind kind, int width) {
    static final String PREFIX = "/repo/flatfs/shard/";
    /** Kubo's default: two characters before the last, which spreads sha2-256 keys evenly over 1024 dirs. */
    static final ShardFunction DEFAULT = new ShardFunction(Kind.NEXT_TO_LAST, 2);
    /** Wider shards than this make no sense for base32 multihash keys and hint at a corrupt file. */
    static final int MAX_WIDTH = 64;

    enum Kind {
        PREFIX("prefix"), SUFFIX("suffix"), NEXT_TO_LAST("next-to-last");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    ShardFunction {
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("shard width must be between 1 and " + MAX_WIDTH + ", got " + width);
        }
    }

    /**
     * Parses {@code /repo/flatfs/shard/v1/<function>/<n>}, or the short forms {@code v1/<function>/<n>}
     * and {@code <function>/<n>} that go-ds-flatfs also accepts. Surrounding whitespace (the file's
     * trailing newline) is ignored.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    static ShardFunction parse(String text) {
        String s = text.strip();
        String rest;
        if (s.startsWith(PREFIX)) {
            rest = s.substring(PREFIX.length());
        } else if (s.startsWith("/")) {
            throw bad(text, "expected it to start with " + PREFIX);
        } else {
            rest = s;
        }
        String[] parts = rest.split("/", -1);
        if (parts.length == 3) {
            if (!parts[0].equals("v1")) {
                throw bad(text, "unsupported version '" + parts[0] + "', expected v1");
            }
            parts = new String[] {parts[1], parts[2]};
        }
        if (parts.length != 2) {
            throw bad(text, "expected <function>/<n>, e.g. next-to-last/2");
        }
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.id.equals(parts[0].toLowerCase(Locale.ROOT))) {
                kind = k;
            }
        }
        if (kind == null) {
            throw bad(text, "unknown function '" + parts[0] + "', expected prefix, suffix or next-to-last");
        }
        if (!parts[1].matches("[0-9]{1,3}")) {
            throw bad(text, "the shard width '" + parts[1] + "' is not a number");
        }
        int width = Integer.parseInt(parts[1]);
        if (width < 1 || width > MAX_WIDTH) {
            throw bad(text, "shard width must be between 1 and " + MAX_WIDTH);
        }
        return new ShardFunction(kind, width);
    }

    private static IllegalArgumentException bad(String text, String why) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return new IllegalArgumentException("invalid flatfs shard function '" + shown.strip() + "': " + why);
    }

    /** The shard directory name for {@code key}. */
    String shard(String key) {
        int n = width;
        return switch (kind) {
            case PREFIX -> key.length() >= n ? key.substring(0, n) : key + "_".repeat(n - key.length());
            case SUFFIX -> key.length() >= n ? key.substring(key.length() - n) : "_".repeat(n - key.length()) + key;
            case NEXT_TO_LAST -> {
                String padded = key.length() >= n + 1 ? key : "_".repeat(n + 1 - key.length()) + key;
                int end = padded.length() - 1;
                yield padded.substring(end - n, end);
            }
        };
    }

    /** The canonical text, as written to a {@code SHARDING} file (without its trailing newline). */
    String id() {
        return PREFIX + "v1/" + kind.id + "/" + width;
    }

    @Override
    public String toString() {
        return id();
    }
}
