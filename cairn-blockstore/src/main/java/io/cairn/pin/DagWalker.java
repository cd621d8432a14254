package io.cairn.pin;

import io.cairn.blockstore.BlockNotFoundException;
import io.cairn.blockstore.Blockstore;
import io.cairn.cid.Cid;
import io.cairn.cid.Multihash;
import io.cairn.ipld.Links;
import io.cairn.ipld.MalformedBlockException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Depth-first walk of the DAG under a root, through dag-pb, dag-cbor and dag-json links, visiting
 * each block once (by multihash, as the store keys blocks).
 */
final class DagWalker {
    /** What a walk does with a block it cannot read. */
    enum Mode {
        /** Every block must be present, leaves too, and decode (adding a pin). */
        COMPLETE,
        /**
         * Every block that can have links must be present and decode; leaves are not read (marking
         * for a collection: a missing leaf keeps nothing else alive).
         */
        LINKS,
        /** Missing or undecodable blocks are treated as leaves (listing). */
        LENIENT
    }

    private final Blockstore store;

    DagWalker(Blockstore store) {
        this.store = store;
    }

    /**
     * Visits {@code root} and every block below it not yet in {@code seen} (which the walk extends).
     * {@code visit} answers false to stop the walk early. Returns false if it was stopped.
     *
     * @throws BlockNotFoundException for a missing block, unless {@code mode} is LENIENT
     * @throws MalformedBlockException for a block that does not decode, unless LENIENT
     */
    boolean walk(Cid root, Set<Multihash> seen, Predicate<Cid> visit, Mode mode) {
        Deque<Cid> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Cid cid = stack.pop();
            if (!seen.add(cid.multihash())) {
                continue;
            }
            if (!visit.test(cid)) {
                return false;
            }
            if (!Links.understands(cid.codec())) {
                if (mode == Mode.COMPLETE && !cid.isIdentity() && !store.has(cid)) {
                    throw new BlockNotFoundException(cid);
                }
                continue;
            }
            List<Cid> links;
            try {
                byte[] data = cid.isIdentity() ? cid.multihash().digest() : store.get(cid).bytes();
                links = Links.of(cid, data);
            } catch (BlockNotFoundException | MalformedBlockException e) {
                if (mode != Mode.LENIENT) {
                    throw e;
                }
                continue;
            }
            for (int i = links.size() - 1; i >= 0; i--) {
                stack.push(links.get(i));
            }
        }
        return true;
    }
}
