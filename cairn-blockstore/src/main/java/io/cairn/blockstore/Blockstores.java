package io.cairn.blockstore;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place where block store stacks are composed, so every caller gets the same layering:
 * <pre>
 * IdentityBlockstore → ValidatingBlockstore (when hashOnRead) → IntegrityBlockstore → FlatFsBlockstore
 * IdentityBlockstore → MemoryBlockstore
 * </pre>
 * Identity sits on top so identity CIDs never reach (or are re-hashed by) the lower layers. Every
 * read from a base store given to {@link #layered} is checked against its multihash
 * ({@link IntegrityBlockstore}); heap blocks of the memory store are not. Every
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
        return new IdentityBlockstore(new MemoryBlockstore(limit));
    }

    /**
     * Wraps any base store the standard way: identity on top, optionally validating puts below it,
     * and every read checked against its multihash just above the base (corrupt blocks are set aside
     * through the base's {@link Quarantine} and answer as missing).
     */
    public static Blockstore layered(Blockstore base, boolean validate) {
        Objects.requireNonNull(base, "base");
        Blockstore s = IntegrityBlockstore.over(base);
        s = validate ? new ValidatingBlockstore(s) : s;
        return new IdentityBlockstore(s);
    }

    /** The integrity layer of a stack built by {@link #layered}, or {@code null} if there is none. */
    public static IntegrityBlockstore integrityLayer(Blockstore stack) {
        Blockstore s = stack;
        while (s instanceof ForwardingBlockstore f) {
            if (f instanceof IntegrityBlockstore i) {
                return i;
            }
            s = f.delegate();
        }
        return null;
    }
}
