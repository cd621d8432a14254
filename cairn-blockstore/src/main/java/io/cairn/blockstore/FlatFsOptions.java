package io.cairn.blockstore;

import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link FlatFsBlockstore} (and of the stack {@link Blockstores#flatFs} builds on it).
 * Immutable; validated when built.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code sync}</td><td>true</td><td>fsync each block file and its directory before a put returns</td></tr>
 * <tr><td>{@code sharding}</td><td>what the directory says; {@code next-to-last/2} for a new one</td>
 *     <td>the sharding function; if set and an existing directory says otherwise, open fails</td></tr>
 * <tr><td>{@code blockSizeLimit}</td><td>2 MiB</td><td>largest block accepted by put</td></tr>
 * <tr><td>{@code hashOnRead}</td><td>false</td><td>{@link Blockstores#flatFs} adds a {@link ValidatingBlockstore}</td></tr>
 * <tr><td>{@code mapViewsFrom}</td><td>512 KiB</td><td>{@link FlatFsBlockstore#view} memory-maps blocks at least this large</td></tr>
 * <tr><td>{@code trackUsage}</td><td>false</td><td>sum the block files at open (one stat each) and keep
 *     {@link FlatFsBlockstore#usedBytes()} exact afterwards, as a storage limit needs</td></tr>
 * </table>
 *
 * <p><b>Why sync defaults to on.</b> Without it a put returns once the bytes are in the page cache;
 * a power loss or kernel crash can then lose blocks the caller was told are stored, or (on file
 * systems that do not order data before the rename) leave a named but empty file. A process crash
 * alone loses nothing either way: the rename is atomic. Syncing costs an fdatasync of the file and an
 * fsync of its directory per put ({@link FlatFsBlockstore#putMany} syncs each directory once per
 * batch). Measured on the 2-core build VM (ext4 on a virtual disk, shared with other builds, so
 * noisy): 4 KiB puts 470-2,100/s without sync against 60-95/s with it; 256 KiB puts 550-1,770/s
 * against 100-175/s. Bulk imports that can be redone may turn it off. Kubo's flatfs also syncs by
 * default. Reproduce with {@code java -cp target/classes:target/test-classes:<bcprov jar>
 * io.cairn.blockstore.FlatFsWriteCost} from the module directory.
 *
 * <p><b>hashOnRead.</b> Every read through {@link Blockstores#flatFs} is checked against its
 * multihash by an {@link IntegrityBlockstore} whatever this says (corrupt blocks are quarantined and
 * answer as missing; the cost is in docs/BENCHMARKS.md, "Integrity check"). {@code hashOnRead} adds a
 * {@link ValidatingBlockstore} on top, which also re-hashes every block put.
 *
 * <p><b>Why views map from 512 KiB.</b> Reading a block into the heap allocates an array of its size;
 * from half a G1 region upwards (512 KiB with the 1 MiB regions of heaps up to 2 GiB) that is a
 * humongous allocation, which G1 handles outside the young generation and which churns exactly the
 * memory the governor watches. Mapping costs two system calls and page-table work instead. On the
 * build VM a 2 MiB view took roughly 0.3-0.9 ms mapped against 1.1-3.1 ms read into the heap; at
 * 256 KiB the two were within the noise of each other, so smaller blocks keep the simpler heap read.
 * Set it to {@link Integer#MAX_VALUE} to never map.
 */
public final class FlatFsOptions {
    private final boolean sync;
    private final ShardFunction sharding;
    private final BlockSizeLimit blockSizeLimit;
    private final boolean hashOnRead;
    private final int mapViewsFrom;
    private final boolean trackUsage;

    private FlatFsOptions(Builder b) {
        this.sync = b.sync;
        this.sharding = b.sharding;
        this.blockSizeLimit = b.blockSizeLimit;
        this.hashOnRead = b.hashOnRead;
        this.mapViewsFrom = b.mapViewsFrom;
        this.trackUsage = b.trackUsage;
    }

    /** Whether the store sums its files at open and keeps {@link FlatFsBlockstore#usedBytes()} exact. */
    public boolean trackUsage() {
        return trackUsage;
    }

    public static FlatFsOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean sync() {
        return sync;
    }

    /** The requested sharding in {@code SHARDING}-file form, empty when the directory decides. */
    public Optional<String> sharding() {
        return Optional.ofNullable(sharding).map(ShardFunction::id);
    }

    ShardFunction shardFunction() {
        return sharding;
    }

    public BlockSizeLimit blockSizeLimit() {
        return blockSizeLimit;
    }

    public boolean hashOnRead() {
        return hashOnRead;
    }

    /** Blocks of at least this many bytes are memory-mapped by {@link FlatFsBlockstore#view}. */
    public int mapViewsFrom() {
        return mapViewsFrom;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sync = sync;
        b.sharding = sharding;
        b.blockSizeLimit = blockSizeLimit;
        b.hashOnRead = hashOnRead;
        b.mapViewsFrom = mapViewsFrom;
        b.trackUsage = trackUsage;
        return b;
    }

    @Override
    public String toString() {
        return "FlatFsOptions[sync=" + sync + ", sharding=" + (sharding == null ? "(from directory)" : sharding.id())
                + ", blockSizeLimit=" + blockSizeLimit.maxBytes() + ", hashOnRead=" + hashOnRead
                + ", mapViewsFrom=" + mapViewsFrom + "]";
    }

    public static final class Builder {
        private boolean sync = true;
        private ShardFunction sharding;
        private BlockSizeLimit blockSizeLimit = BlockSizeLimit.DEFAULT;
        private boolean hashOnRead;
        private int mapViewsFrom = 512 * 1024;
        private boolean trackUsage;

        private Builder() {
        }

        public Builder trackUsage(boolean trackUsage) {
            this.trackUsage = trackUsage;
            return this;
        }

        public Builder sync(boolean sync) {
            this.sync = sync;
            return this;
        }

        /**
         * The sharding function, as {@code /repo/flatfs/shard/v1/next-to-last/2} or the short form
         * {@code next-to-last/2} (also {@code prefix/N} and {@code suffix/N}).
         *
         * @throws IllegalArgumentException if the text is not a sharding function
         */
        public Builder sharding(String sharding) {
            this.sharding = sharding == null ? null : ShardFunction.parse(sharding);
            return this;
        }

        public Builder blockSizeLimit(BlockSizeLimit limit) {
            this.blockSizeLimit = Objects.requireNonNull(limit, "blockSizeLimit");
            return this;
        }

        public Builder blockSizeLimit(int maxBytes) {
            return blockSizeLimit(BlockSizeLimit.of(maxBytes));
        }

        public Builder hashOnRead(boolean hashOnRead) {
            this.hashOnRead = hashOnRead;
            return this;
        }

        /** @throws IllegalArgumentException if negative */
        public Builder mapViewsFrom(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("mapViewsFrom must be >= 0 bytes, got " + bytes);
            }
            this.mapViewsFrom = bytes;
            return this;
        }

        public FlatFsOptions build() {
            return new FlatFsOptions(this);
        }
    }
}
