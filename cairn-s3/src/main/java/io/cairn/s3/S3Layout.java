package io.cairn.s3;

import io.cairn.cid.Multibase;
import io.cairn.cid.Multihash;

/**
 * Where a block lives in the bucket: {@code <prefix>/<shard>/<KEY>.data}. {@code KEY} is Kubo's
 * block key (RFC 4648 base32, upper case, unpadded, of the multihash bytes) and {@code shard} the two
 * characters before its last one, as flatfs's default {@code next-to-last/2} takes them: Kubo's keys
 * share their first characters (the multihash prefix), and S3 partitions a bucket by key prefix, so
 * sharding on the end spreads load over 1024 prefixes. Pure string arithmetic, no I/O.
 */
final class S3Layout {
    static final String EXTENSION = ".data";
    private static final int WIDTH = 2;

    private final String prefix;

    /** @param prefix the folder inside the bucket, without leading or trailing slashes; may be empty */
    S3Layout(String prefix) {
        this.prefix = normalise(prefix);
    }

    static String normalise(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    String prefix() {
        return prefix;
    }

    /** The listing prefix: everything this layout writes starts with it. */
    String listPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    static String blockKey(Multihash mh) {
        return Multibase.BASE32UPPER.encodeRaw(mh.toBytes());
    }

    /** flatfs's next-to-last/2, padding short keys with {@code _} as go-ds-flatfs does. */
    static String shard(String key) {
        String padded = key.length() >= WIDTH + 1 ? key : "_".repeat(WIDTH + 1 - key.length()) + key;
        int end = padded.length() - 1;
        return padded.substring(end - WIDTH, end);
    }

    /** The object key of a multihash. */
    String objectKey(Multihash mh) {
        String key = blockKey(mh);
        return listPrefix() + shard(key) + "/" + key + EXTENSION;
    }

    /**
     * The multihash an object key names, or {@code null} when it is not a key this layout writes
     * (another prefix or extension, a key in the wrong shard, text that is not canonical base32 of a
     * multihash), so that foreign objects in the bucket are never reported as blocks.
     */
    Multihash parse(String objectKey) {
        String lp = listPrefix();
        if (!objectKey.startsWith(lp) || !objectKey.endsWith(EXTENSION)) {
            return null;
        }
        String rest = objectKey.substring(lp.length(), objectKey.length() - EXTENSION.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        String shardName = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        if (key.isEmpty() || !shard(key).equals(shardName)) {
            return null;
        }
        try {
            byte[] bytes = Multibase.BASE32UPPER.decodeRaw(key);
            if (!Multibase.BASE32UPPER.encodeRaw(bytes).equals(key)) {
                return null;
            }
            return Multihash.decode(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
