package io.cairn.blockstore;

import java.nio.file.Path;

import io.cairn.cid.InvalidCidException;
import io.cairn.cid.Multibase;
import io.cairn.cid.Multihash;

/**
 * Where a multihash lives in a flatfs directory, and which file names are keys. Kubo's block key is
 * the RFC 4648 base32 (upper case, unpadded) of the multihash bytes; flatfs stores it at
 * {@code <shard>/<key>.data}. Pure path arithmetic, no I/O.
 */
final class FlatFsLayout {
    static final String EXTENSION = ".data";

    private final Path root;
    private final ShardFunction sharding;

    FlatFsLayout(Path root, ShardFunction sharding) {
        this.root = root;
        this.sharding = sharding;
    }

    ShardFunction sharding() {
        return sharding;
    }

    static String key(Multihash mh) {
        return Multibase.BASE32UPPER.encodeRaw(mh.toBytes());
    }

    Path path(Multihash mh) {
        String key = key(mh);
        return root.resolve(sharding.shard(key)).resolve(key + EXTENSION);
    }

    /**
     * The multihash a file in {@code shardName} names, or {@code null} when the file is not a block
     * this layout could have written: another extension, text that is not canonical upper-case
     * base32 of a multihash, or a key that belongs in another shard (which {@link #path} would never
     * find, so reporting it would make allKeys disagree with has).
     */
    Multihash parse(String shardName, String fileName) {
        if (!fileName.endsWith(EXTENSION)) {
            return null;
        }
        String key = fileName.substring(0, fileName.length() - EXTENSION.length());
        if (key.isEmpty() || !sharding.shard(key).equals(shardName)) {
            return null;
        }
        try {
            byte[] bytes = Multibase.BASE32UPPER.decodeRaw(key);
            if (!Multibase.BASE32UPPER.encodeRaw(bytes).equals(key)) {
                return null;
            }
            return Multihash.decode(bytes);
        } catch (InvalidCidException e) {
            return null;
        }
    }
}
