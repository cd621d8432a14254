package io.cairn.pin;

import io.cairn.blockstore.Blockstore;
import io.cairn.blockstore.GcLocker;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Adds, removes and lists pins with Kubo's rules:
 * <ul>
 *   <li>A recursive pin needs its whole DAG in the store (Cairn fetches nothing from a network); it
 *   replaces a direct pin of the same CID. A direct pin of a recursively pinned CID is refused.</li>
 *   <li>Removing takes away a recursive or a direct pin; with {@code recursive=false} a recursive pin
 *   is refused; a CID that is only pinned indirectly, or not at all, is "not pinned or pinned
 *   indirectly".</li>
 *   <li>Indirect pins are what recursive pins reach, other than the recursive roots themselves.</li>
 * </ul>
 * Adding a pin walks the DAG and records the pin under the store's shared pin lock, so a collection
 * cannot delete a block between the walk and the record.
 */
public final class Pinner {
    private final Blockstore store;
    private final GcLocker locker;
    private final PinStore pins;
    private final DagWalker walker;
    private final SweepGuard guard;

    /** One pin as listed: its CID, its type, and for an indirect pin the recursive root it is under. */
    public record Pin(Cid cid, PinType type, Cid via) {
        /** Kubo's {@code Type} string: {@code recursive}, {@code direct}, or {@code indirect through <root>} for a lookup. */
        public String kuboType() {
            return via == null ? type.kuboName() : type.kuboName() + " through " + via;
        }
    }

    /**
     * @param store a store with a GC lock (every Cairn store and wrapper has one)
     * @param guard the store's guard, shared with its {@link GarbageCollector}: what is pinned while a
     *        collection sweeps is spared
     */
    public Pinner(Blockstore store, PinStore pins, SweepGuard guard) {
        this.store = Objects.requireNonNull(store, "store");
        if (!(store instanceof GcLocker l)) {
            throw new IllegalArgumentException("pinning needs a store with a GC lock (a GcLocker), got " + store);
        }
        this.locker = l;
        this.pins = Objects.requireNonNull(pins, "pins");
        this.walker = new DagWalker(store);
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    public PinStore pins() {
        return pins;
    }

    /**
     * Pins {@code cid}, recursively or directly, and returns it.
     *
     * @throws io.cairn.blockstore.BlockNotFoundException if a block of the DAG (or the block itself) is not in the store
     * @throws io.cairn.ipld.MalformedBlockException if a block does not decode under its codec
     * @throws PinException for a direct pin of a recursively pinned CID
     */
    public Cid pin(Cid cid, boolean recursive) {
        try (GcLocker.Unlock held = locker.pinLock()) {
            return pinLocked(cid, recursive);
        }
    }

    /**
     * Pins {@code cid} while the caller already holds the pin lock (for example across an import and
     * the pinning of its roots, so no collection runs in between).
     */
    public Cid pinLocked(Cid cid, boolean recursive) {
        if (recursive) {
            if (!pins.isRecursive(cid)) {
                List<Cid> dag = new ArrayList<>();
                walker.walk(cid, new HashSet<>(), dag::add, DagWalker.Mode.COMPLETE);
                pins.addRecursive(cid);
                dag.forEach(guard::written); // a sweep under way spares what was just pinned
                acknowledge(cid, true, List.of(), List.of(cid), dag);
            }
            return cid;
        }
        if (pins.isRecursive(cid)) {
            throw new PinException(cid + " already pinned recursively");
        }
        if (!cid.isIdentity()) {
            store.getSize(cid); // the block must be here: throws BlockNotFoundException otherwise
        }
        boolean wasDirect = pins.isDirect(cid);
        pins.addDirect(cid);
        guard.written(cid);
        if (!wasDirect) {
            acknowledge(cid, false, List.of(cid), List.of(), List.of(cid));
        }
        return cid;
    }

    /**
     * Makes sure a collection on another node sharing the store did not delete part of the DAG just
     * pinned (see {@link SweepGuard#acknowledgePin}); if it did, the pin is taken back and the missing
     * block reported, so no pin is acknowledged over a hole.
     */
    private void acknowledge(Cid cid, boolean recursive, List<Cid> direct, List<Cid> roots, List<Cid> dag) {
        try {
            guard.acknowledgePin(direct, roots, dag);
        } catch (io.cairn.blockstore.BlockNotFoundException | SweepGuardUnavailableException e) {
            if (recursive) {
                pins.removeRecursive(cid);
            } else {
                pins.removeDirect(cid);
            }
            throw e;
        }
    }

    /**
     * Removes the pin of {@code cid} and returns it.
     *
     * @throws PinException if it is not pinned (or only indirectly), or is pinned recursively and
     *         {@code recursive} is false
     */
    public Cid unpin(Cid cid, boolean recursive) {
        if (pins.isRecursive(cid)) {
            if (!recursive) {
                throw new PinException(cid + " is pinned recursively");
            }
            pins.removeRecursive(cid);
            return cid;
        }
        if (pins.removeDirect(cid)) {
            return cid;
        }
        throw new PinException("not pinned or pinned indirectly");
    }

    /**
     * Every pin of {@code type} ({@code null} for all): recursive ones first, then direct, then
     * indirect (each CID once, under its strongest type). Indirect pins need a walk of every
     * recursive DAG; a block missing under a recursive pin is skipped, with what lies below it.
     */
    public List<Pin> list(PinType type) {
        List<Pin> out = new ArrayList<>();
        PinStore.Snapshot pinned = pins.snapshot();
        List<Cid> recursive = pinned.recursive();
        List<Cid> direct = pinned.direct();
        if (type == null || type == PinType.RECURSIVE) {
            recursive.forEach(c -> out.add(new Pin(c, PinType.RECURSIVE, null)));
        }
        if (type == null || type == PinType.DIRECT) {
            direct.forEach(c -> out.add(new Pin(c, PinType.DIRECT, null)));
        }
        if (type == null || type == PinType.INDIRECT) {
            Set<Multihash> roots = new HashSet<>();
            recursive.forEach(c -> roots.add(c.multihash()));
            Set<Multihash> listed = new HashSet<>(roots);
            if (type == null) {
                direct.forEach(c -> listed.add(c.multihash()));
            }
            Set<Multihash> seen = new HashSet<>();
            for (Cid root : recursive) {
                walkLenient(root, seen, c -> {
                    if (listed.add(c.multihash())) {
                        out.add(new Pin(c, PinType.INDIRECT, root));
                    }
                    return true;
                });
            }
        }
        return out;
    }

    /**
     * How {@code cid} is pinned, if it is, looking only at {@code type} ({@code null} for any):
     * recursive, then direct, then indirect under the first recursive pin that reaches it.
     */
    public Optional<Pin> find(Cid cid, PinType type) {
        if ((type == null || type == PinType.RECURSIVE) && pins.isRecursive(cid)) {
            return Optional.of(new Pin(cid, PinType.RECURSIVE, null));
        }
        if ((type == null || type == PinType.DIRECT) && pins.isDirect(cid)) {
            return Optional.of(new Pin(cid, PinType.DIRECT, null));
        }
        if (type == null || type == PinType.INDIRECT) {
            Multihash wanted = cid.multihash();
            for (Cid root : pins.recursive()) {
                if (root.multihash().equals(wanted)) {
                    continue;
                }
                boolean[] found = {false};
                walkLenient(root, new HashSet<>(), c -> {
                    found[0] = c.multihash().equals(wanted);
                    return !found[0];
                });
                if (found[0]) {
                    return Optional.of(new Pin(cid, PinType.INDIRECT, root));
                }
            }
        }
        return Optional.empty();
    }

    private void walkLenient(Cid root, Set<Multihash> seen, java.util.function.Predicate<Cid> visit) {
        // Listing is a read: a block gone missing under a pin must not make every listing fail.
        walker.walk(root, seen, visit, DagWalker.Mode.LENIENT);
    }
}
