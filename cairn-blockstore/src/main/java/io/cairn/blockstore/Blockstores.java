package io.cairn.blockstore;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place where block store stacks are composed, so every caller gets the same layering:
 * <pre>
 * IdentityBlockstore → ValidatingBlockstore (when hashOnRead) → FlatFsBlockstore | MemoryBlockstore
 * </pre>
 * Identity sits on top so identity CIDs never reach (or are re-hashed by) the lower layers. Every
 * stack returned also implements {@link Viewer} and {@link GcLocker}, sharing the base store's lock.
 */
public final class Blockstores {
    private Blockstores() {
    }

    /**
     * A flatfs store under the repository root {@code dir} (see {@link FlatFsBlockstore}), wrapped
     * for identity CIDs and, when {@link FlatFsOptions#hashOnRead()}, validation.
     */
    public static Blockstore flatFs(Path dir, FlatFsOptions options) {
        FlatFsBlockstore base = FlatFsBlockstore.open(dir, options);
        return layered(base, options.hashOnRead());
    }

    /** An in-memory store with the default block size limit, wrapped for identity CIDs. */
    public static Blockstore memory() {
        return memory(BlockSizeLimit.DEFAULT);
    }

    /** An in-memory store wrapped for identity CIDs. Heap blocks are not re-hashed on read. */
    public static Blockstore memory(BlockSizeLimit limit) {
        return layered(new MemoryBlockstore(limit), false);
    }

    /** Wraps any base store the standard way: identity on top, optionally validating below it. */
    public static Blockstore layered(Blockstore base, boolean validate) {
        Objects.requireNonNull(base, "base");
        Blockstore s = validate ? new ValidatingBlockstore(base) : base;
        return new IdentityBlockstore(s);
    }
}
